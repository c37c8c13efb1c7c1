"""The roadmap's rules: the plan week by week, what to learn next, finding a skill by name."""
