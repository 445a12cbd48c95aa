/* Decision-tree widget: filled in by the decision-tree work. */
