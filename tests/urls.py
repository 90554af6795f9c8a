from __future__ import annotations

from django.contrib import admin
from django.urls import path

from tests.testapp import class_views, views, writes
from tests.testapp.admin import other_site
from tests.testapp.serializing import serializing_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("admin-other/", other_site.urls),
    path("posts/", views.post_list, name="post_list"),
    path("blog-name/<int:pk>/", writes.blog_name),
    path("add-post/", writes.add_post),
    path("posts-async/", views.post_list_async, name="post_list_async"),
    path("posts-in-a-category/", views.posts_in_a_category),
    path("posts-async-n1/", views.post_list_async_n_plus_one, name="post_list_async_n1"),
    path("recording-state/", views.recording_state, name="recording_state"),
    path("cbv/get-queryset/", class_views.PostsFromGetQueryset.as_view()),
    path("cbv/queryset/", class_views.PostsFromAttribute.as_view()),
    path("cbv/model/", class_views.PostsFromModel.as_view()),
    path("cbv/inherited/", class_views.InheritedPosts.as_view()),
    path("cbv/titles/", class_views.PostTitles.as_view()),
    path("template-response/", class_views.posts_response),
    path("api/posts/", class_views.PostApi.as_view()),
    path("api/posts-from-model/", class_views.PostApiFromModel.as_view()),
    path("api/library-view/", serializing_view),
    path("api/post-viewset/", class_views.PostViewSet.as_viewset()),
    path("order-shops/", views.order_shops),
    path("orders-table/", views.orders_table),
    path("cbv/order-numbers/", class_views.OrderNumbers.as_view()),
    path("cbv/order/<int:pk>/", class_views.OrderDetail.as_view()),
]
