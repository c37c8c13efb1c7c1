"""The interview quiz: grading answers (and, later, scheduling reviews)."""
