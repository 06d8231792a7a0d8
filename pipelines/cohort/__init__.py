"""Villages by the year they joined: maturity curves and the staggered-adoption comparison."""
