"""attrs classes for what consulite stores, and the pure rules that normalise and validate them."""
