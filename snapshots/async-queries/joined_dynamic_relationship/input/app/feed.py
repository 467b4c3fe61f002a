from app.models import Post, User


def feed(user):
    # the followed users' posts: joins the dynamic relationship's query
    return Post.query.join(user.followed).order_by(Post.id.desc()).all()


def authors_with_posts():
    # a relationship joined through its class converts as usual
    return User.query.join(User.posts).all()
