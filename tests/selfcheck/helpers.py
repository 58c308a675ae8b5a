"""Questions for a test page, with explicit block ids (so a test can name options)."""

import uuid


def new_id() -> str:
    return str(uuid.uuid4())


class Quiz:
    """Two questions: ``single`` (one right option) and ``multiple`` (two right of three)."""

    def __init__(self, prefix: str = ""):
        self.single = new_id()
        self.single_right, self.single_wrong = new_id(), new_id()
        self.multiple = new_id()
        self.multiple_right = [new_id(), new_id()]
        self.multiple_wrong = new_id()
        self.prefix = prefix
        self.explanations = [f"{prefix}解析一：遵义会议确立了正确路线", f"{prefix}解析二：两项都对"]

    def raw(self) -> list[dict]:
        def option(option_id, text, correct):
            return {"type": "item", "id": option_id, "value": {"text": text, "correct": correct}}

        return [
            {
                "type": "question",
                "id": self.single,
                "value": {
                    "text": f"{self.prefix}遵义会议在哪一年召开？",
                    "options": [
                        option(self.single_right, "1935年", True),
                        option(self.single_wrong, "1921年", False),
                    ],
                    "explanation": self.explanations[0],
                },
            },
            {
                "type": "question",
                "id": self.multiple,
                "value": {
                    "text": f"{self.prefix}下列哪些属于长征精神？",
                    "options": [
                        option(self.multiple_right[0], "坚定信念", True),
                        option(self.multiple_right[1], "不怕牺牲", True),
                        option(self.multiple_wrong, "安于现状", False),
                    ],
                    "explanation": self.explanations[1],
                },
            },
        ]

    def answers(self, single=None, multiple=None) -> dict[str, list[str]]:
        """Form data (lists: the test client sends each value of a list)."""
        data = {}
        if single is not None:
            data[f"q-{self.single}"] = list(single)
        if multiple is not None:
            data[f"q-{self.multiple}"] = list(multiple)
        return data

    def all_right(self) -> dict[str, list[str]]:
        return self.answers([self.single_right], self.multiple_right)

    def one_wrong(self) -> dict[str, list[str]]:
        return self.answers([self.single_wrong], self.multiple_right)


def give_questions(page, quiz: Quiz, policy: str = "quiz"):
    """Publish ``page`` with the quiz's questions and the given policy, as an editor would."""
    page.self_check = quiz.raw()
    page.completion_policy = policy
    page.save_revision().publish()
    page.refresh_from_db()
    return page
