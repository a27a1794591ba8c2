"""Operations of this topic (filled in by its issue)."""

OPS: list = []
