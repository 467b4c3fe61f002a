from unittest import mock

from app.v1.pager import page


@mock.patch("app.v1.pager.pager.post")
def test_page(post):
    page("disk full")
    post.assert_called_once()
