"""Demo data (`market demo`, `market serve --demo`).

- `load`: enterprises, postings and bids, and `load_demo` which loads the rest too;
- `financing`: verified banks, their products, financing needs and offers;
- `exhibitions`: a trade fair and an online matchmaking event with signups.
"""
