import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from rest_framework import generics, permissions, serializers
from rest_framework.pagination import CursorPagination


class Opportunity(models.Model):
    """The service's table, read and written as it is (the service's migrations own it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    title = models.CharField(max_length=200)
    description = models.TextField()
    category = models.CharField(max_length=50)
    location = models.CharField(max_length=200, null=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    tags = ArrayField(models.TextField(), default=list)
    status = models.CharField(max_length=16, default="open")
    deadline = models.DateField(null=True)
    created_by = models.CharField(max_length=255)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField(default=1)

    class Meta:
        app_label = "peer"
        managed = False
        db_table = "opportunity"


class OpportunitySerializer(serializers.ModelSerializer):
    """The service's body rules and its camelCase JSON."""

    title = serializers.CharField(min_length=3, max_length=200)
    description = serializers.CharField(min_length=1, max_length=5000)
    category = serializers.RegexField(r"^[a-z][a-z0-9-]{1,49}$")
    location = serializers.CharField(max_length=200, allow_null=True, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), max_length=20, required=False)
    status = serializers.ChoiceField(choices=["open", "closed"], required=False)
    deadline = serializers.DateField(allow_null=True, required=False)

    class Meta:
        model = Opportunity
        fields = ["title", "description", "category", "location", "tags", "status", "deadline"]

    def to_representation(self, instance):
        coordinates = None
        if instance.latitude is not None and instance.longitude is not None:
            coordinates = {"lat": instance.latitude, "lng": instance.longitude}
        return {
            "id": str(instance.id),
            "title": instance.title,
            "description": instance.description,
            "category": instance.category,
            "location": instance.location,
            "coordinates": coordinates,
            "tags": instance.tags,
            "status": instance.status,
            "deadline": instance.deadline.isoformat() if instance.deadline else None,
            "createdBy": instance.created_by,
            "createdAt": instance.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "updatedAt": instance.updated_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "version": instance.version,
        }


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100


class OpportunityList(generics.ListCreateAPIView):
    queryset = Opportunity.objects.all()
    serializer_class = OpportunitySerializer
    pagination_class = NewestFirst

    def get_permissions(self):
        return [permissions.IsAuthenticated()] if self.request.method == "POST" else []

    def perform_create(self, serializer):
        now = timezone.now()
        serializer.save(created_by=str(self.request.user.id), created_at=now, updated_at=now)


class OpportunityDetail(generics.RetrieveAPIView):
    queryset = Opportunity.objects.all()
    serializer_class = OpportunitySerializer
    permission_classes = []
