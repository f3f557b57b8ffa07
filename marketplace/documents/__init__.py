"""Documents (attachments): uploads checked by content, kept by SHA-256, read by those who
may read what they are attached to, and purged when attached to nothing.

- `sniff`: the accepted types, recognised from the bytes; `names`: file names;
- `blobs`: the bytes, in files under the data directory or in an S3-compatible bucket;
- `store`: the upload records and the links to subjects (written with the subject's events);
- `uploads`: `Documents`, the upload and download use cases; `purge`: the orphan purge worker.
"""
