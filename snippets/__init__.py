"""Complete example files that the guide's pages include section by section (tested
under tests/test_examples)."""
