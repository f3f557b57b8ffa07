"""PDF documents: the contract document and the programme report (fpdf2, one CJK TrueType
font from an installed package), and amounts in Chinese capitals."""
