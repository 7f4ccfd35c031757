"""One message from raw bytes: header and body decoding, the MIME tree, readable text, index envelopes."""
