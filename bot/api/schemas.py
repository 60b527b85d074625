"""Request and response bodies of the sync API. FastAPI turns these into the OpenAPI
document, so the document describes exactly what the server validates and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from bot import languages
from bot.plan import MEETING_KINDS

CASE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"
#: A database id: SQLite integers are 64-bit, and ids start at 1.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]
LanguageCode = Literal[tuple(languages.codes())]  # type: ignore[valid-type]
MeetingKind = Literal[MEETING_KINDS]  # type: ignore[valid-type]
ShortText = Field(default=None, min_length=1, max_length=200)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    detail: str


class Health(BaseModel):
    status: Literal["ok"]
    version: str


# -- candidates ------------------------------------------------------------------------

class CandidateCreate(Strict):
    case_id: str = Field(min_length=1, max_length=64, pattern=CASE_ID_PATTERN,
                         description="The case system's own reference for this candidate; unique in the organisation.")
    name: str | None = Field(default=None, min_length=1, max_length=60,
                             description="How the specialist sees the candidate in the bot; defaults to case_id. No ID numbers.")
    language_hint: LanguageCode | None = Field(default=None, description="The language the candidate reads best, if known.")
    specialist_id: DbId | None = Field(default=None, description="Required with an organisation token: whose caseload.")


class Consents(BaseModel):
    specialist: bool | None = Field(description="null: not answered yet (counts as no)")
    mentor: bool | None


class Invitation(BaseModel):
    link: str
    expires_at: datetime
    qr_png_base64: str


class CandidateOut(BaseModel):
    id: int
    case_id: str | None
    specialist_id: int | None
    status: Literal["invited", "joined", "left"]
    language: LanguageCode | None
    consents: Consents
    reachable: bool | None = Field(description="false once the candidate has blocked the bot")
    invited_at: datetime
    joined_at: datetime | None
    left_at: datetime | None


class CandidateCreated(CandidateOut):
    invitation: Invitation | None = Field(
        description="The one-time link; null on a repeated request (links are shown once and never stored)")


# -- plan items ------------------------------------------------------------------------

class PlanFields(Strict):
    meeting_kind: MeetingKind | None = None
    title: str | None = ShortText
    starts_at: AwareDatetime | None = Field(default=None, description="With a time zone, e.g. 2026-12-01T10:00:00+01:00")
    duration_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    repeat_weeks: int | None = Field(default=None, ge=1, le=4, description="Shifts only: repeats every N weeks")
    deadline: AwareDatetime | None = Field(default=None, description="Tasks only")
    place: str | None = ShortText
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    bring: str | None = ShortText
    participants: str | None = ShortText

    @model_validator(mode="after")
    def _location_pairs(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together")
        return self


class PlanItemCreate(PlanFields):
    kind: Literal["meeting", "shift", "task"]

    @model_validator(mode="after")
    def _needs(self):
        if self.kind in ("meeting", "shift") and self.starts_at is None:
            raise ValueError(f"a {self.kind} needs starts_at")
        if self.kind == "task" and not self.title:
            raise ValueError("a task needs a title")
        if self.kind != "meeting" and self.meeting_kind is not None:
            raise ValueError("meeting_kind is only for meetings")
        if self.kind != "shift" and self.repeat_weeks is not None:
            raise ValueError("repeat_weeks is only for shifts")
        if self.kind != "task" and self.deadline is not None:
            raise ValueError("deadline is only for tasks")
        return self


class PlanItemUpdate(PlanFields):
    pass


class PlanItemOut(BaseModel):
    id: int
    candidate_id: int
    kind: Literal["meeting", "shift", "task"]
    meeting_kind: MeetingKind | None
    title: str | None
    starts_at: datetime | None
    duration_minutes: int | None
    repeat_weeks: int | None
    deadline: datetime | None
    place: str | None
    latitude: float | None
    longitude: float | None
    bring: str | None
    participants: str | None
    status: Literal["active", "cancelled"]
    answer: Literal["coming", "not_coming", "done"] | None = Field(
        description="The candidate's answer; null while they do not share answers with their specialist")
    answered_at: datetime | None
    created_at: datetime
    updated_at: datetime


# -- word lists, rules, messages ---------------------------------------------------------

class WordIn(Strict):
    norwegian: str = Field(min_length=1, max_length=100, description="With its article (en/ei/et), or a phrase")
    example: str | None = ShortText
    translations: dict[LanguageCode, Annotated[str, Field(min_length=1, max_length=100)]] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="Translations written by a person, by language code"
    )


class WordListCreate(Strict):
    title: str = Field(min_length=1, max_length=100)
    words: list[WordIn] = Field(min_length=1, max_length=100)
    candidate_ids: list[DbId] = Field(min_length=1, max_length=100)


class WordListOut(BaseModel):
    id: int
    title: str
    words: list[WordIn]
    candidate_ids: list[int]
    created_at: datetime


class RuleCreate(Strict):
    text: str = Field(min_length=1, max_length=500)


class RuleOut(BaseModel):
    id: int
    candidate_id: int
    text: str
    created_at: datetime


class MessageCreate(Strict):
    text: str = Field(min_length=1, max_length=1000)


class MessageOut(BaseModel):
    id: int
    candidate_id: int
    status: Literal["queued"]


# -- events ---------------------------------------------------------------------------

class EventOut(BaseModel):
    id: str = Field(description="Also the cursor: pass it as `after` to read what came next")
    type: str
    candidate_id: int | None
    case_id: str | None
    at: datetime
    data: dict[str, Any]


class EventPage(BaseModel):
    events: list[EventOut]
    next_cursor: str = Field(description="Pass as `after` next time; equal to `after` when nothing new came")
