"""Reading a message's headers as an admin does: Received hops, authentication results, the inspection report."""
