"""Reading, validating and storing monthly workbooks: the one write path and its parts."""
