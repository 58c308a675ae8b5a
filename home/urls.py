from django.urls import path

from home import views

app_name = "home"

# Under share/ (config/urls.py): 分享, a content page's QR code (home.share).
urlpatterns = [path("qr/<int:page_id>.svg", views.qr_code, name="share_qr")]
