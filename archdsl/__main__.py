"""``python -m archdsl``"""

from archdsl.cli import main

main()
