"""Talent review (人才盘点): the 9-box of performance × potential, per cycle."""
