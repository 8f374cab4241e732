"""What a network does while it learns: curves, activation maps, filters, samples, boundaries."""
