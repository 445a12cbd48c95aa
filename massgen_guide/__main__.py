from massgen_guide.cli import run

run()
