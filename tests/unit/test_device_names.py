"""登录设备 names from User-Agent strings of the browsers members use."""
import pytest

from meetings.web.auth.devices import device_name

WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
ANDROID = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 "


@pytest.mark.parametrize(("agent", "name"), [
    (WINDOWS + "Chrome/131.0 Safari/537.36", "Chrome · Windows"),
    (WINDOWS + "Chrome/131.0 Safari/537.36 Edg/131.0", "Edge · Windows"),
    (IPHONE + "Version/17.5 Mobile/15E148 Safari/604.1", "Safari · iPhone"),
    (ANDROID + "Chrome/126 Mobile Safari/537.36 MicroMessenger/8.0.50", "微信 · Android"),
    ("curl/8.5.0", None), (None, None),
])
def test_device_name(agent, name):
    assert device_name(agent) == name
