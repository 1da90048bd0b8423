"""Reading an inventory folder: the pieces `symbiosis/flows.py` is built from."""
