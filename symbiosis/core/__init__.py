"""What every step shares: the words users read, the one error type, and safe writing of files."""
