"""Two signed-in people posting forms at the same moment: both get past the view's own checks
before either enters the service, the race that a lock (or a version) must settle."""
from __future__ import annotations

import threading

from tests.builders import PASSWORD


def posts_at_once(app, monkeypatch, module, services: list[str], posts: list[tuple[str, str, dict]]
                  ) -> list[tuple[int, str]]:
    """``posts`` are (login, url, form data); returns (status, page text) in the posts' order."""
    both_checked = threading.Barrier(len(posts), timeout=10)
    originals = {name: getattr(module, name) for name in services}
    for name, original in originals.items():

        def after_the_check(*args, _original=original, **kwargs):
            both_checked.wait()
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, after_the_check)
    clients = []
    for login, _, _ in posts:
        client = app.test_client()
        assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302
        clients.append(client)
    answers: list[tuple[int, str] | None] = [None] * len(posts)

    def send(index: int) -> None:
        response = clients[index].post(posts[index][1], data=posts[index][2])
        answers[index] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for name, original in originals.items():  # the barriers were for the race only
        monkeypatch.setattr(module, name, original)
    assert all(answers), "a request did not finish"
    return answers
