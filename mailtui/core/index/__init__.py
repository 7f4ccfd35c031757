"""Pure index operations over envelopes: orderings, threads and body search."""
