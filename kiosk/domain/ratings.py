"""The national 好差评 scale: five levels, and which of them open a follow-up."""
SCORE_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def needs_follow_up(score: int) -> bool:
    """不满意 or worse must be called back and put right (回访整改)."""
    return score <= 2


def is_satisfied(score: int) -> bool:
    """Satisfaction counts 非常满意 and 满意 among rated services."""
    return score >= 4
