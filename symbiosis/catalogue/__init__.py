"""The material catalogue: what the engine knows of materials, facilities, rules and jobs, each figure sourced."""
