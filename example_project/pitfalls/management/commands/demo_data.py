"""``manage.py demo_data``: the same few hundred rows on every run.

Every value comes from the lists below or from ``random.Random(42)``, drawn in
the same order whatever the database holds. Rows are looked up by their natural
keys (a blog's name, a post's title within its category, ...), so a second run
creates nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Ban, User
from blog.models import Blog, Category, Entry, Post
from library.models import Book, City, Person
from pizzeria.models import Pizza, Restaurant, Topping
from shop.models import Company, Product

# Blog owners and post writers.
BLOG_NAMES = [
    "김영희", "하수진", "장주원", "이영자", "배정식", "윤서준",
    "김지연", "오정훈", "백준혁", "홍옥자", "하수빈", "이정자",
]  # fmt: skip
WRITERS = [
    "이예지", "류상현", "김경희", "홍명자", "민서윤", "남건우", "주아름", "이현지",
    "이승민", "송도윤", "김현숙", "송예지", "박민지", "최민서", "노옥자", "서상호",
]  # fmt: skip
CATEGORY_NAMES = [
    "quidem modi", "quis nostrum", "modi tempora", "dolorem ipsum", "quia dolor", "magnam aliquam",
]  # fmt: skip
CATEGORIES_PER_BLOG = 3
POSTS_PER_CATEGORY = 6
TITLE_WORDS = [
    "quidem", "modi", "quid", "quis", "autem", "tempora", "voluptas", "dolorem",
    "ipsum", "rerum", "facilis", "labore", "veritas", "aliquam", "nostrum", "soluta",
]  # fmt: skip
LOREM = [
    "Quidem modi voluptas sit amet, consectetur adipisci velit.",
    "Quis autem vel eum iure reprehenderit qui in ea voluptate velit esse.",
    "Quid est veritas?",
    "Nam libero tempore, cum soluta nobis est eligendi optio cumque nihil impedit.",
    "Temporibus autem quibusdam et aut officiis debitis aut rerum necessitatibus.",
    "Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet.",
]
ENTRIES_PER_BLOG = 5

TOPPINGS = {
    "ham": False, "pineapple": False, "prawns": False, "smoked salmon": False,
    "mozzarella": False, "pepperoni": False, "jalapeño": True, "chili oil": True,
    "mushrooms": False, "bulgogi": False, "kimchi": True, "sweet potato": False,
}  # fmt: skip
PIZZAS = {  # two classics, then a Korean menu
    "Hawaiian": ["ham", "pineapple", "mozzarella"],
    "Seafood": ["prawns", "smoked salmon", "mozzarella"],
    "Margherita": ["mozzarella"],
    "Pepperoni": ["pepperoni", "mozzarella"],
    "Diavola": ["pepperoni", "jalapeño", "chili oil", "mozzarella"],
    "Funghi": ["mushrooms", "mozzarella"],
    "불고기 피자": ["bulgogi", "mushrooms", "mozzarella"],
    "김치 피자": ["kimchi", "bulgogi", "mozzarella"],
    "고구마 피자": ["sweet potato", "mozzarella"],
    "Hot Seafood": ["prawns", "chili oil", "jalapeño"],
}
RESTAURANTS = [
    "서울 화덕", "부산 피자", "대구 피자하우스", "인천 나폴리",
    "광주 피체리아", "대전 오븐", "Napoli",
]  # fmt: skip
COMPANIES = 36  # company_name1 .. company_name36
PRODUCTS_PER_COMPANY = (2, 4)

CITIES = ["서울", "부산", "대구", "인천", "광주", "대전", "울산", "수원"]
AUTHORS = [
    "한강", "김영하", "정유정", "공지영", "신경숙", "황석영", "박완서", "조남주",
    "김애란", "은희경", "편혜영", "천명관", "이기호", "김연수", "배수아", "최은영",
]  # fmt: skip
BOOKS_PER_AUTHOR = 3

USERS = {  # username: (last name, first name)
    "test_user": ("", "test"),
    "kim_younghee": ("김", "영희"), "ha_sujin": ("하", "수진"), "lee_yeji": ("이", "예지"),
    "lee_seungmin": ("이", "승민"), "ryu_sanghyun": ("류", "상현"), "no_okja": ("노", "옥자"),
    "seo_sangho": ("서", "상호"), "min_seoyun": ("민", "서윤"), "nam_gunwoo": ("남", "건우"),
    "joo_areum": ("주", "아름"), "song_doyun": ("송", "도윤"), "park_minji": ("박", "민지"),
    "choi_minseo": ("최", "민서"), "han_seoyeon": ("한", "서연"), "kang_sunghoon": ("강", "성훈"),
}  # fmt: skip
# test_user bans three users and is banned by three, one of them both ways.
TEST_USER_BANS = ["kim_younghee", "ha_sujin", "lee_yeji"]
TEST_USER_BANNED_BY = ["lee_yeji", "ryu_sanghyun", "no_okja"]
OTHER_BANS = 18


class Command(BaseCommand):
    help = "Create the example data (safe to run again: existing rows are kept)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(42)
        self.created = 0
        self.blog(rng)
        self.pizzeria(rng)
        self.shop(rng)
        self.library(rng)
        self.accounts(rng)
        models = [Blog, Category, Post, Entry, Pizza, Restaurant, Company, Product, Book, User]
        counts = ", ".join(f"{m.objects.count()} {m._meta.verbose_name_plural}" for m in models)
        self.stdout.write(f"{counts} ({self.created} rows created now).")

    def get_or_create(self, model: Any, defaults: dict[str, Any] | None = None, **keys: Any) -> Any:
        row, new = model.objects.get_or_create(defaults=defaults, **keys)
        self.created += new
        return row

    def blog(self, rng: random.Random) -> None:
        start = datetime(2024, 1, 1, tzinfo=timezone.utc)
        for b, blog_name in enumerate(BLOG_NAMES):
            blog = self.get_or_create(Blog, name=blog_name)
            for c in range(CATEGORIES_PER_BLOG):
                name = CATEGORY_NAMES[(b + c) % len(CATEGORY_NAMES)]
                category = self.get_or_create(Category, blog=blog, name=name)
                titles: set[str] = set()
                while len(titles) < POSTS_PER_CATEGORY:
                    titles.add(" ".join(rng.sample(TITLE_WORDS, 4)).capitalize())
                for title in sorted(titles):
                    minutes = rng.randrange(182 * 24 * 60)  # January to June 2024
                    self.get_or_create(
                        Post,
                        category=category,
                        title=title,
                        defaults={
                            "writer": rng.choice(WRITERS),
                            "ip_address": _ip_address(rng),
                            "created_at": start + timedelta(minutes=minutes, seconds=b),
                        },
                    )
            for e in range(ENTRIES_PER_BLOG):
                body = "\n\n".join(
                    " ".join(rng.sample(LOREM, len(LOREM))) for _ in range(rng.randrange(20, 40))
                )
                self.get_or_create(
                    Entry,
                    headline=f"{blog_name}의 글 {e + 1}: {rng.choice(TITLE_WORDS)}",
                    defaults={
                        "blog": blog,
                        "body": body,
                        "pub_date": date(2024, 1, 1) + timedelta(days=rng.randrange(182)),
                        "rating": rng.randint(1, 5),
                    },
                )

    def pizzeria(self, rng: random.Random) -> None:
        toppings = {
            name: self.get_or_create(Topping, name=name, defaults={"spicy": spicy})
            for name, spicy in TOPPINGS.items()
        }
        pizzas = []
        for name, names in PIZZAS.items():
            pizza = self.get_or_create(Pizza, name=name)
            pizza.toppings.add(*(toppings[n] for n in names))
            pizzas.append(pizza)
        for name in RESTAURANTS:
            menu = rng.sample(pizzas, rng.randint(3, 6))
            restaurant = self.get_or_create(Restaurant, name=name, defaults={"best_pizza": menu[0]})
            restaurant.pizzas.add(*menu)

    def shop(self, rng: random.Random) -> None:
        for n in range(1, COMPANIES + 1):
            company = self.get_or_create(Company, name=f"company_name{n}")
            for p in range(1, rng.randint(*PRODUCTS_PER_COMPANY) + 1):
                self.get_or_create(Product, name=f"product_name{p}", product_owned_company=company)

    def library(self, rng: random.Random) -> None:
        cities = [self.get_or_create(City, name=name) for name in CITIES]
        for a, name in enumerate(AUTHORS):
            hometown = None if a % 5 == 4 else rng.choice(cities)  # some hometowns are unknown
            author = self.get_or_create(Person, name=name, defaults={"hometown": hometown})
            for b in range(BOOKS_PER_AUTHOR):
                words = rng.sample(TITLE_WORDS, 2)
                title = f"{' '.join(words).capitalize()} ({name} {b + 1})"
                self.get_or_create(Book, title=title, defaults={"author": author})

    def accounts(self, rng: random.Random) -> None:
        users = {
            username: self.get_or_create(
                User, username=username, defaults={"last_name": last, "first_name": first}
            )
            for username, (last, first) in USERS.items()
        }
        test_user = users["test_user"]
        pairs = [(test_user, users[u]) for u in TEST_USER_BANS]
        pairs += [(users[u], test_user) for u in TEST_USER_BANNED_BY]
        others = [u for name, u in users.items() if name != "test_user"]
        while len(pairs) < len(TEST_USER_BANS) + len(TEST_USER_BANNED_BY) + OTHER_BANS:
            pair = tuple(rng.sample(others, 2))
            if pair not in pairs:
                pairs.append(pair)
        for user_from, user_to in pairs:
            self.get_or_create(Ban, user_from=user_from, user_to=user_to)


def _ip_address(rng: random.Random) -> str:
    first = rng.choice(["10", "172", "192.168"])
    if first == "192.168":
        return f"192.168.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    if first == "172":
        return f"172.{rng.randrange(16, 32)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
