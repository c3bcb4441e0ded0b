"""A short name for a device from its User-Agent (登录设备 list): "Chrome · Windows"."""
from __future__ import annotations

# First match wins: Edge and 微信 also say "Chrome", Chrome also says "Safari".
BROWSERS = (("MicroMessenger", "微信"), ("DingTalk", "钉钉"), ("Edg", "Edge"), ("Firefox", "Firefox"),
            ("HeadlessChrome", "Chrome"), ("Chrome", "Chrome"), ("Safari", "Safari"))
SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("Linux", "Linux"))


def device_name(agent: str | None) -> str | None:
    """"Chrome · Windows", or None when the User-Agent names neither."""
    agent = agent or ""
    found = [next((name for key, name in table if key in agent), None) for table in (BROWSERS, SYSTEMS)]
    named = [name for name in found if name]
    return " · ".join(named) or None
