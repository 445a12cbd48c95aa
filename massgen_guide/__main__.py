from massgen_guide.cli import main

raise SystemExit(main())
