class PostForm:
    def validate_on_submit(self):
        return True
