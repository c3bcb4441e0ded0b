"""Chinese names for generated people, shared by the demo and the scale province (a module of
its own: the scale seed must not load the demo's package, which loads the scale seed)."""

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
)

GIVEN_NAMES = (
    "伟", "芳", "娜", "敏", "静", "磊", "军", "勇", "杰", "涛", "超", "霞", "平", "刚", "鹏",
    "建华", "建国", "志刚", "志明", "秀英", "秀兰", "桂英", "玉兰", "海燕", "丽娟", "红梅",
    "晓东", "晓明", "晓丽", "文博", "文静", "思远", "思雨", "子涵", "浩然", "宇航", "佳怡",
    "欣怡", "雨桐", "梓萱", "明辉", "国强", "国庆", "卫东", "春燕", "秋菊", "冬梅", "立新",
    "振华", "永强", "德明", "学军", "爱民", "丽萍", "凤英", "淑珍", "婷婷", "俊杰", "嘉欣",
    "一鸣", "天宇", "晨曦", "若曦", "博文", "雅琴", "慧敏", "宏伟", "海涛", "金凤", "瑞雪",
)

# Given names that sound like those of people born before 1960, for the retired branch.
OLDER_GIVEN_NAMES = (
    "建华", "建国", "秀英", "秀兰", "桂英", "玉兰", "国强", "国庆", "卫东", "冬梅", "淑珍",
    "凤英", "德明", "学军", "爱民", "振华", "永强", "立新", "金凤", "春燕", "秋菊",
)
