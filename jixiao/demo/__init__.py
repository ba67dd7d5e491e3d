"""The demo company: a manufacturing company from the source documents, its eight
department managers' forms as schemes, a monthly cycle with facts, scored."""
