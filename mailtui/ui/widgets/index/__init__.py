"""The virtual message index: the widget, its row cells and thread folding."""
