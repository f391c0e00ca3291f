"""The only gate between the wire and the model: JSON/HCL in, model objects out, and model back to wire JSON."""
