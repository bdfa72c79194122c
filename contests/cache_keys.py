"""Keys of the public pages' cache: read by contests.selectors, cleared by
contests.services.contests (one home, so neither imports the other for them)."""

PUBLIC_LIST_KEY = "contests:public:list:v1"


def contest_page_key(slug: str) -> str:
    return f"contests:public:page:v1:{slug}"
