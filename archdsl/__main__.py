"""``python -m archdsl``"""

from archdsl.entry import main

main()
