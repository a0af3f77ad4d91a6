from treatyscope.cli import run

run()
