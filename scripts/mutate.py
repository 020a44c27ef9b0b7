"""A small mutation runner: break one access or safety rule at a time and check that a test notices.

usage: python scripts/mutate.py [--list] [-k SUBSTRING ...] [--no-baseline]

Each mutation names a file, an exact source snippet (it must occur exactly once) and its
replacement, plus the test files that guard that rule. The working tree is copied once to a
temporary folder; every mutation is applied to that copy only (the real files are never
written), the guarding tests run there with `pytest -x`, and the copy is restored. A mutation
is "killed" when some test fails and "SURVIVED" when they all pass: a survivor is a rule no
test would miss. Exit status: 0 if every mutation was killed, 1 if any survived or a run
failed for another reason (a stale snippet, a collection error, a failing baseline).

Environment variables such as PORTAL_TEST_DATABASE_URL pass through to the test runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    "*.pyc",
    "instance",
    "build",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".bench",
    "test-artifacts",
)

ACCESS = "portal/access.py"
ACCESS_TESTS = "tests/integration/test_access_rules.py"
SECURITY_TESTS = "tests/integration/test_security.py"
CUSTOMER_TESTS = "tests/integration/test_requests_customer.py"
REQUEST_ACCESS_TESTS = "tests/integration/test_access_requests.py"
RENDER_TESTS = "tests/unit/knowledge_base/test_render.py"
VIEW_TESTS = "tests/integration/test_access_views.py"
AUTH_HARDENING = "tests/integration/test_auth_hardening.py"
REQUEST_LIMITS = "tests/integration/test_requests_limits.py"
MARKETING_HARDENING = "tests/integration/test_marketing_hardening.py"
KB_REVIEW_TESTS = "tests/integration/test_kb_review.py"
WORKSPACE_TESTS = "tests/integration/test_workspace.py"
CUSTOMER_VIEWS = "portal/requests/customer_views.py"
STAFF_VIEWS = "portal/requests/staff_views.py"
KB_STAFF_VIEWS = "portal/kb/staff_views.py"
MARKETING_VIEWS = "portal/marketing/views.py"
CUSTOMER_PICTURE = "tests/integration/test_customers_picture.py"
CUSTOMER_REGISTRY = "tests/integration/test_customers_registry.py"
CUSTOMER_CLASSIFY = "tests/integration/test_customers_classify.py"


@dataclass(frozen=True)
class Mutation:
    """One deliberate bug: `snippet` in `path` becomes `replacement`; `tests` must catch it."""

    name: str
    path: str
    snippet: str
    replacement: str
    tests: tuple[str, ...]


MUTATIONS: tuple[Mutation, ...] = (
    # --- portal/access.py: object rules -------------------------------------------------------
    Mutation(
        "access: a request's owner is anyone",
        ACCESS,
        "owner = obj.customer_id == user.id",
        "owner = True",
        (CUSTOMER_TESTS, ACCESS_TESTS),
    ),
    Mutation(
        "access: every user counts as request staff",
        ACCESS,
        "staff = user.has_role(Role.AGENT)",
        "staff = True",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: staff may follow (act as the customer on) any request",
        ACCESS,
        "        if action == Action.FOLLOW:\n            return owner\n",
        "        if action == Action.FOLLOW:\n            return owner or staff\n",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: customers may handle requests",
        ACCESS,
        "        if action == Action.HANDLE:\n            return staff\n",
        "        if action == Action.HANDLE:\n            return True\n",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: attachments skip their request's rule",
        ACCESS,
        "    if isinstance(obj, Attachment):\n        obj = obj.request\n",
        "    if isinstance(obj, Attachment):\n        return True\n",
        (CUSTOMER_TESTS, ACCESS_TESTS),
    ),
    Mutation(
        "access: any user may see or change any user",
        ACCESS,
        "return _is_admin(user) or (action == Action.VIEW and obj.id == user.id)",
        "return True",
        (SECURITY_TESTS, ACCESS_TESTS),
    ),
    Mutation(
        "access: unknown object types are allowed",
        ACCESS,
        "    if not isinstance(obj, Article | ArticleRevision):\n        return False\n",
        "    if not isinstance(obj, Article | ArticleRevision):\n        return True\n",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: any user may see any request",
        ACCESS,
        "        if action == Action.VIEW:\n            return owner or staff\n",
        "        if action == Action.VIEW:\n            return True\n",
        (CUSTOMER_TESTS, REQUEST_ACCESS_TESTS, ACCESS_TESTS),
    ),
    # --- portal/access.py: allows ---------------------------------------------------------------
    Mutation(
        "access: allows() says yes to every area action",
        ACCESS,
        "    if area is not None:\n        return area(user)\n",
        "    if area is not None:\n        return True\n",
        (ACCESS_TESTS, SECURITY_TESTS),
    ),
    Mutation(
        "access: inactive users keep their rights",
        ACCESS,
        'if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:',
        'if user is None or not getattr(user, "is_authenticated", False):',
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: an object action without an object is allowed",
        ACCESS,
        "    if obj is None:\n        return False\n    return _object_rule(user, action, obj)",
        "    if obj is None:\n        return True\n    return _object_rule(user, action, obj)",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: agents without the editor right may review articles",
        ACCESS,
        "(u.role == Role.AGENT and bool(u.kb_editor))",
        "u.role == Role.AGENT",
        (ACCESS_TESTS, "tests/integration/test_kb_curation.py"),
    ),
    Mutation(
        "access: agents get into marketing",
        ACCESS,
        "Action.MARKETING: lambda u: u.has_role(Role.MARKETER)",
        "Action.MARKETING: lambda u: u.has_role(Role.MARKETER, Role.AGENT)",
        (SECURITY_TESTS,),
    ),
    Mutation(
        "access: marketers get the request queue",
        ACCESS,
        "Action.WORK_QUEUE: lambda u: u.has_role(Role.AGENT)",
        "Action.WORK_QUEUE: lambda u: u.has_role(Role.AGENT, Role.MARKETER)",
        (SECURITY_TESTS,),
    ),
    Mutation(
        "access: every staff member administers",
        ACCESS,
        "Action.ADMINISTER: _is_admin,",
        "Action.ADMINISTER: lambda u: u.has_role(Role.AGENT, Role.MARKETER),",
        (SECURITY_TESTS,),
    ),
    # --- portal/access.py: gate, requires -------------------------------------------------------
    Mutation(
        "access: gate() lets everyone through",
        ACCESS,
        "        if not allows(current_user, action):\n            abort(403)\n        return None\n",
        "        return None\n",
        (SECURITY_TESTS,),
    ),
    Mutation(
        "access: gate() no longer sends anonymous visitors to log in",
        ACCESS,
        "        if not current_user.is_authenticated:\n            return _deny_anonymous()\n",
        "",
        (SECURITY_TESTS,),
    ),
    Mutation(
        "access: requires() lets everyone through",
        ACCESS,
        "            if not allows(current_user, action):\n                abort(403)\n"
        "            return view(*args, **kwargs)",
        "            return view(*args, **kwargs)",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: requires() no longer needs a login",
        ACCESS,
        "        @wraps(view)\n        @login_required\n",
        "        @wraps(view)\n",
        (ACCESS_TESTS,),
    ),
    # --- portal/access.py: loaders --------------------------------------------------------------
    Mutation(
        "access: valid_id() accepts ids past the INTEGER range",
        ACCESS,
        "return number if 1 <= number <= MAX_ID else None",
        "return number if 1 <= number else None",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: valid_id() accepts zero and negative ids",
        ACCESS,
        "return number if 1 <= number <= MAX_ID else None",
        "return number if number <= MAX_ID else None",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: check() no longer aborts 404 on a missing object",
        ACCESS,
        "    if obj is None:\n        abort(404)\n    if not allows(current_user, action, obj):",
        "    if not allows(current_user, action, obj):",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: check() lets a refused user through",
        ACCESS,
        "        abort(403 if action != Action.VIEW and allows(current_user, Action.VIEW, obj) else hidden)"
        "\n",
        "        pass\n",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: check() reveals hidden objects with 403",
        ACCESS,
        "abort(403 if action != Action.VIEW and allows(current_user, Action.VIEW, obj) else hidden)",
        "abort(403)",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: load() drops abort(404) for a bad id",
        ACCESS,
        "    key = valid_id(ident)\n    if key is None:\n        abort(404)\n    return check(",
        "    key = valid_id(ident)\n    return check(",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: load() skips the object rule",
        ACCESS,
        "    return check(get_session().get(model, key), action, hidden=hidden)",
        "    return get_session().get(model, key)",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: load_staff_object() drops abort(404)",
        ACCESS,
        "    found = get_session().get(model, key) if key is not None else None\n"
        "    if found is None:\n        abort(404)\n",
        "    found = get_session().get(model, key) if key is not None else None\n",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: request_by_reference() shows staff a customer URL",
        ACCESS,
        "if found is not None and action == Action.FOLLOW and found.customer_id != current_user.id:",
        "if found is not None and action == Action.FOLLOW and False:",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: request_by_reference() skips the object rule",
        ACCESS,
        "        abort(404)  # staff use the staff pages; a customer URL never shows someone else's request\n"
        "    return check(found, action)",
        "        abort(404)  # staff use the staff pages; a customer URL never shows someone else's request\n"
        "    if found is None:\n        abort(404)\n    return found",
        (ACCESS_TESTS,),
    ),
    Mutation(
        "access: load_user() ignores the security stamp",
        ACCESS,
        "if user is None or not user.is_active or user.security_stamp != stamp:",
        "if user is None or not user.is_active:",
        (ACCESS_TESTS, SECURITY_TESTS),
    ),
    Mutation(
        "access: load_user() keeps inactive users logged in",
        ACCESS,
        "if user is None or not user.is_active or user.security_stamp != stamp:",
        "if user is None or user.security_stamp != stamp:",
        (SECURITY_TESTS, ACCESS_TESTS),
    ),
    # --- checks outside access.py today ---------------------------------------------------------
    Mutation(
        "csrf: CSRF protection is not installed",
        "portal/__init__.py",
        "    csrf.init_app(app)\n",
        "",
        (SECURITY_TESTS,),
    ),
    Mutation(
        "auth: login rate limit per email removed (key)",
        "portal/auth/views.py",
        '@limiter.limit(_login_limit, methods=["POST"], key_func=_submitted_email)\n',
        "",
        (SECURITY_TESTS, "tests/integration/test_access_rate_limits.py"),
    ),
    Mutation(
        "auth: login rate limit per IP removed",
        "portal/auth/views.py",
        '@limiter.limit(_login_limit, methods=["POST"])\n@limiter.limit(_login_limit, methods=["POST"], key',
        '@limiter.limit(_login_limit, methods=["POST"], key',
        (SECURITY_TESTS, "tests/integration/test_access_rate_limits.py"),
    ),
    Mutation(
        "kb: Markdown rendering skips the sanitizer",
        "knowledge_base/render.py",
        "return clean_html(_markdown().render(source))",
        "return _markdown().render(source)",
        (RENDER_TESTS, "tests/unit/knowledge_base/test_sanitize.py", "tests/integration/test_kb_xss.py"),
    ),
    Mutation(
        "kb: the sanitizer allows javascript: URLs",
        "knowledge_base/sanitize.py",
        'ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})',
        'ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "javascript"})',
        (RENDER_TESTS, "tests/unit/knowledge_base/test_sanitize.py", "tests/integration/test_kb_xss.py"),
    ),
    # --- view call sites: object loaders and role gates ------------------------------------------
    Mutation(
        "requests: customer pages serve staff any request",
        CUSTOMER_VIEWS,
        "def detail(ref: str):\n    found = access.request_by_reference(ref, access.Action.FOLLOW)",
        "def detail(ref: str):\n    found = access.request_by_reference(ref, access.Action.VIEW)",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: customer close/reopen load the request for VIEW, not FOLLOW",
        CUSTOMER_VIEWS,
        "    found = access.request_by_reference(ref, access.Action.FOLLOW)\n"
        "    if not forms.ReplyForm().validate_on_submit():",
        "    found = access.request_by_reference(ref, access.Action.VIEW)\n"
        "    if not forms.ReplyForm().validate_on_submit():",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: customer reply loads the request for VIEW, not FOLLOW",
        CUSTOMER_VIEWS,
        "def reply(ref: str):\n    db = get_session()\n"
        "    found = access.request_by_reference(ref, access.Action.FOLLOW)",
        "def reply(ref: str):\n    db = get_session()\n"
        "    found = access.request_by_reference(ref, access.Action.VIEW)",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: customer rating loads the request for VIEW, not FOLLOW",
        CUSTOMER_VIEWS,
        "def rate(ref: str):\n    db = get_session()\n"
        "    found = access.request_by_reference(ref, access.Action.FOLLOW)",
        "def rate(ref: str):\n    db = get_session()\n"
        "    found = access.request_by_reference(ref, access.Action.VIEW)",
        (VIEW_TESTS,),
    ),
    Mutation(
        "requests: attachment download skips the access check",
        CUSTOMER_VIEWS,
        "    item = access.load(Attachment, attachment_id, access.Action.VIEW)",
        "    item = get_session().get(Attachment, attachment_id) or abort(404)",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: the staff request area has no gate",
        STAFF_VIEWS,
        "bp.before_request(access.gate(access.Action.WORK_QUEUE))\n",
        "",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: staff request page skips the loader (unknown reference)",
        STAFF_VIEWS,
        "    db = get_session()\n    found = access.request_by_reference(ref, access.Action.HANDLE)\n",
        "    db = get_session()\n"
        "    found = db.scalar(select(ServiceRequest).where(ServiceRequest.reference == ref))\n",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: staff request reload after a conflict skips the loader",
        STAFF_VIEWS,
        "            found = access.request_by_reference(ref, access.Action.HANDLE)\n",
        "            found = db.scalar(select(ServiceRequest).where(ServiceRequest.reference == ref))\n",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: deleting a canned response skips the loader",
        STAFF_VIEWS,
        "db.delete(access.load_staff_object(CannedResponse, item_id))",
        "db.delete(db.get(CannedResponse, item_id))",
        (VIEW_TESTS,),
    ),
    Mutation(
        "workspace: another agent's personal saved view is visible",
        ACCESS,
        "return works_queue and (obj.owner_id == user.id or obj.shared)",
        "return works_queue",
        (WORKSPACE_TESTS,),
    ),
    Mutation(
        "workspace: requests of different customers merge",
        "portal/requests/merge.py",
        "if target.customer_id != source.customer_id:",
        "if False:",
        (WORKSPACE_TESTS,),
    ),
    Mutation(
        "workspace: a bulk action skips the per-request access check",
        "portal/requests/bulk.py",
        "if not access.allows(agent, access.Action.HANDLE, request):",
        "if False:",
        (WORKSPACE_TESTS,),
    ),
    Mutation(
        "workspace: staff close a request without confirming",
        "portal/requests/services.py",
        "and not change.confirm_close:",
        "and False:",
        (WORKSPACE_TESTS,),
    ),
    Mutation(
        "views: agents get into the admin area",
        "portal/admin/views.py",
        "bp.before_request(access.gate(access.Action.ADMINISTER))",
        "bp.before_request(access.gate(access.Action.WORK_QUEUE))",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: admin user page skips the loader",
        "portal/admin/views.py",
        "def user_detail(user_id: int):\n    db = get_session()\n"
        "    user = access.load_staff_object(User, user_id)",
        "def user_detail(user_id: int):\n    db = get_session()\n    user = db.get(User, user_id)",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: admin (de)activation skips the loader",
        "portal/admin/views.py",
        "def user_active(user_id: int):\n    db = get_session()\n"
        "    user = access.load_staff_object(User, user_id)",
        "def user_active(user_id: int):\n    db = get_session()\n    user = db.get(User, user_id)",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: the staff KB area has no gate",
        KB_STAFF_VIEWS,
        "bp.before_request(access.gate(Action.CURATE_KB))\n",
        "",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: staff KB article lookup skips the check",
        KB_STAFF_VIEWS,
        "    return access.check(found, Action.EDIT)",
        "    return found",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: staff KB revision lookup skips the loader",
        KB_STAFF_VIEWS,
        "    revision = access.load_staff_object(ArticleRevision, revision_id)",
        "    revision = get_session().get(ArticleRevision, revision_id)",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: approving a revision skips the REVIEW check (four-eyes 403)",
        KB_STAFF_VIEWS,
        "            access.check(revision, Action.REVIEW)  # four-eyes: 403 for the author\n",
        "",
        (KB_REVIEW_TESTS + "::test_four_eyes_setting_stops_reviewers_approving_their_own_revision",),
    ),
    Mutation(
        "views: archiving needs only the curator right",
        KB_STAFF_VIEWS,
        "@access.requires(Action.REVIEW_KB)\ndef archive(",
        "@access.requires(Action.CURATE_KB)\ndef archive(",
        (KB_REVIEW_TESTS + "::test_archiving_needs_the_reviewer_right",),
    ),
    Mutation(
        "views: the marketing area has no gate",
        MARKETING_VIEWS,
        "bp.before_request(access.gate(access.Action.MARKETING))\n",
        "",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: offer edit page skips the loader",
        MARKETING_VIEWS,
        "offer = access.load_staff_object(Offer, offer_id) if offer_id is not None else None",
        "offer = db.get(Offer, offer_id) if offer_id is not None else None",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: offer status change skips the loader",
        MARKETING_VIEWS,
        "    offer = access.load_staff_object(Offer, offer_id)\n    if status not in",
        "    offer = db.get(Offer, offer_id)\n    if status not in",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: reviewing one suggestion skips the loader",
        MARKETING_VIEWS,
        "    access.load_staff_object(LinkSuggestion, suggestion_id)\n",
        "",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: excluding a word skips the suggestion loader",
        MARKETING_VIEWS,
        "suggestion = access.load_staff_object(LinkSuggestion, suggestion_id)",
        "suggestion = db.get(LinkSuggestion, suggestion_id)",
        (VIEW_TESTS,),
    ),
    Mutation(
        "views: deleting a blocklist term skips the loader",
        MARKETING_VIEWS,
        "term = access.load_staff_object(BlockTerm, term_id)",
        "term = db.get(BlockTerm, term_id)",
        (VIEW_TESTS,),
    ),
    Mutation(
        "go: links that are not approved redirect",
        "portal/marketing/go.py",
        "        or suggestion.state != SuggestionState.APPROVED\n",
        "",
        (VIEW_TESTS,),
    ),
    Mutation(
        "go: a stored unsafe offer URL is redirected to",
        "portal/marketing/go.py",
        "    if not is_safe_url(suggestion.offer.url):",
        "    if False:",
        (MARKETING_HARDENING + "::test_go_answers_404_for_a_stored_bad_url",),
    ),
    # --- the safety rules merged from the hardening branches -------------------------------------
    Mutation(
        "host: TRUSTED_HOSTS is not set (any Host header is served)",
        "portal/config.py",
        '"TRUSTED_HOSTS": trusted_hosts(base_url, _env("PORTAL_TRUSTED_HOSTS", ""), env),',
        '"TRUSTED_HOSTS": None,',
        (AUTH_HARDENING + "::test_a_forged_host_header_is_refused_and_mails_nothing",),
    ),
    Mutation(
        "mail: external_url() builds on the request's Host",
        "portal/mail.py",
        "    return adapter.build(endpoint, values, force_external=True)",
        '    return __import__("flask").url_for(endpoint, _external=True, **values)',
        (AUTH_HARDENING + "::test_external_url_ignores_the_request_host",),
    ),
    Mutation(
        "auth: logout no longer rotates the security stamp",
        "portal/auth/views.py",
        "        services.end_sessions(db, user)  # copied session or remember-me cookies die too\n",
        "",
        (AUTH_HARDENING + "::test_logout_ends_a_remember_me_login_and_copied_cookies",),
    ),
    Mutation(
        "auth: rate-limit keys are not normalised",
        "portal/auth/identity.py",
        'return f"{local.casefold()}@{ascii_domain(domain)}"[:254]',
        'return f"{local}@{domain}"[:254]',
        (AUTH_HARDENING + "::test_limit_keys_fold_equivalent_spellings",),
    ),
    Mutation(
        "security: every endpoint takes upload-sized bodies",
        "portal/security.py",
        "    if endpoint in UPLOAD_ENDPOINTS:\n",
        "    if True:\n",
        (AUTH_HARDENING + "::test_large_bodies_are_refused_outside_upload_endpoints",),
    ),
    # --- customers (issue 14): the picture, the registry, classification, imports, segments ---
    Mutation(
        "customers: anyone logged in sees the customer directory",
        ACCESS,
        "Action.CUSTOMERS: lambda u: u.has_role(Role.AGENT)",
        "Action.CUSTOMERS: lambda u: True",
        (CUSTOMER_PICTURE,),
    ),
    Mutation(
        "customers: staff accounts have a customer picture too",
        ACCESS,
        "return obj.role == Role.CUSTOMER and user.has_role(Role.AGENT)",
        "return user.has_role(Role.AGENT)",
        (CUSTOMER_PICTURE,),
    ),
    Mutation(
        "customers: anyone sees a registered product and its receipt",
        ACCESS,
        "return owner or user.has_role(Role.AGENT)\n",
        "return True\n",
        (CUSTOMER_REGISTRY,),
    ),
    Mutation(
        "customers: any agent deletes another agent's note",
        ACCESS,
        "_is_admin(user) or (user.role == Role.AGENT and obj.author_id == user.id)",
        "user.has_role(Role.AGENT)",
        (CUSTOMER_PICTURE,),
    ),
    Mutation(
        "customers: serial patterns match anywhere instead of whole",
        "portal/customers/registry.py",
        "re.fullmatch(product.serial_pattern, serial)",
        "re.search(product.serial_pattern, serial)",
        (CUSTOMER_REGISTRY,),
    ),
    Mutation(
        "customers: nested quantifiers are accepted in serial patterns",
        "portal/customers/registry.py",
        '                raise ValueError("a repeated part may not contain another repetition")',
        "                pass",
        (CUSTOMER_REGISTRY,),
    ),
    Mutation(
        "customers: receipts skip the attachment checks",
        "portal/customers/registry.py",
        '            raise FieldError(exc.message, "receipt") from exc',
        "            receipt = None",
        (CUSTOMER_REGISTRY,),
    ),
    Mutation(
        "customers: an import with bad rows writes the good ones without --partial",
        "portal/customers/orders.py",
        "    if errors and not partial:\n        return report",
        "    if False:\n        return report",
        ("tests/integration/test_customers_orders.py",),
    ),
    Mutation(
        "customers: the customer crossing the 80 % line falls out of A",
        "portal/customers/classify.py",
        "running.c.ahead * 100 < total * share",
        "running.c.ahead * 100 <= total * share",
        (CUSTOMER_CLASSIFY,),
    ),
    Mutation(
        "customers: a second job takes a live lease",
        "portal/customers/classify.py",
        "| (ClassificationRun.lease_until < now),",
        "| (ClassificationRun.lease_until.is_not(None)),",
        (CUSTOMER_CLASSIFY,),
    ),
    Mutation(
        "customers: A customers get the general SLA targets",
        "portal/customers/sla_policy.py",
        "    return None if policy is None else (policy.first_response_minutes, policy.resolution_minutes)",
        "    return None",
        (CUSTOMER_CLASSIFY,),
    ),
    Mutation(
        "customers: offers ignore rule segments",
        "portal/marketing/linking.py",
        "not viewer_segments(viewer) & set(offer.segments)",
        "viewer.segment not in offer.segments",
        ("tests/integration/test_customers_segments.py",),
    ),
    Mutation(
        "requests: attachments download under their original name",
        "portal/requests/attachments.py",
        '    return safe_stem + ALLOWED_TYPES.get(content_type, ".bin")',
        "    return original_name",
        (
            "tests/integration/test_attachment_names.py::test_download_name_is_safe_alphabet_with_the_sniffed_extension",
        ),
    ),
    Mutation(
        "requests: messages have no size limit",
        "portal/requests/services.py",
        "    if len(text) > max_chars:\n",
        "    if False:\n",
        (REQUEST_LIMITS + "::test_an_over_long_customer_reply_is_a_form_error_that_keeps_the_text",),
    ),
    Mutation(
        "requests: customer replies are not rate-limited per user",
        "portal/requests/limits.py",
        'customer_replies = limiter.limit(_configured("REPLY_RATE_LIMIT"), '
        'key_func=user_key, methods=["POST"])',
        "customer_replies = lambda view: view",
        (REQUEST_LIMITS + "::test_replies_are_rate_limited_per_user",),
    ),
    Mutation(
        "kb: publish() ignores the four-eyes rule",
        "knowledge_base/workflow.py",
        "    if four_eyes and reviewer_id is not None and revision.author_id == reviewer_id:\n",
        "    if False:\n",
        ("tests/unit/knowledge_base/test_approval_rules.py",),
    ),
    Mutation(
        "access: the four-eyes setting is ignored in the REVIEW rule",
        ACCESS,
        'own and current_app.config.get("KB_FOUR_EYES", False)',
        "False",
        (KB_REVIEW_TESTS + "::test_four_eyes_setting_stops_reviewers_approving_their_own_revision",),
    ),
    Mutation(
        "kb: a revision not in review can be published",
        "knowledge_base/workflow.py",
        "    if revision.state != RevisionState.IN_REVIEW:\n"
        '        raise FieldError(N_("Only a revision in review can be published."), "review_comment")\n',
        "",
        (KB_REVIEW_TESTS + "::test_a_never_submitted_draft_cannot_be_published",),
    ),
    Mutation(
        "kb: the sanitizer keeps links of any scheme",
        "knowledge_base/sanitize.py",
        "    return scheme in ALLOWED_PROTOCOLS if scheme else True",
        "    return True",
        (RENDER_TESTS + "::test_allowed_href", "tests/unit/knowledge_base/test_sanitize.py"),
    ),
    Mutation(
        "marketing: CSV cells that start a formula are not escaped",
        "portal/marketing/reports.py",
        "    if isinstance(value, str) and value.startswith(FORMULA_STARTS):",
        "    if False:",
        (MARKETING_HARDENING + "::test_csv_cells_that_start_a_formula_are_escaped",),
    ),
    Mutation(
        "marketing: offer URLs of any scheme are accepted",
        "portal/marketing/offers.py",
        'if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:',
        "if not parts.hostname or not port_ok:",
        (MARKETING_HARDENING + "::test_bad_offer_urls_are_refused",),
    ),
    Mutation(
        "marketing: repeated clicks all count",
        "portal/marketing/events.py",
        '    return _latest(db, suggestion, visitor, "click", now - CLICK_WINDOW) is None',
        "    return True",
        (MARKETING_HARDENING + "::test_clicks_count_once_per_visitor_and_link_within_the_window",),
    ),
    Mutation(
        "marketing: clicks count without an impression",
        "portal/marketing/events.py",
        '    if _latest(db, suggestion, visitor, "impression", now - IMPRESSION_MAX_AGE) is None:\n'
        "        return False\n",
        "",
        (MARKETING_HARDENING + "::test_clicks_without_an_impression_redirect_but_do_not_count",),
    ),
    Mutation(
        "linker: only script and style are raw-text elements",
        "linker/html.py",
        "    CDATA_CONTENT_ELEMENTS = (*RAW_TEXT, PLAINTEXT)",
        '    CDATA_CONTENT_ELEMENTS = ("script", "style")',
        (
            "tests/unit/linker/test_html_blocks.py::test_no_link_inside_raw_text_elements",
            "tests/unit/linker/test_html_blocks.py::test_an_end_tag_inside_raw_text_does_not_close_its_zone",
        ),
    ),
    Mutation(
        "linker: sentence checks (tragedy, complaint, ...) ignored",
        "linker/core.py",
        '            reasons = self._run("sentence", candidate, ctx)\n',
        "            reasons = []\n",
        ("tests/unit/linker/test_cli.py::test_the_development_set_scores_clean",),
    ),
    # --- portal/api: tokens, scopes, objects, idempotency, limits ------------------------------
    Mutation(
        "api: a token without the scope passes",
        "portal/api/auth.py",
        "            if token is None or name not in (token.scopes or []):\n",
        "            if token is None:\n",
        ("tests/integration/test_api_auth.py",),
    ),
    Mutation(
        "api: an expired token still authenticates",
        "portal/api/tokens.py",
        "    if token.revoked_at is not None or as_aware(token.expires_at) <= utcnow():\n",
        "    if token.revoked_at is not None:\n",
        ("tests/integration/test_api_auth.py",),
    ),
    Mutation(
        "api: a revoked token still authenticates",
        "portal/api/tokens.py",
        "    if token.revoked_at is not None or as_aware(token.expires_at) <= utcnow():\n",
        "    if as_aware(token.expires_at) <= utcnow():\n",
        ("tests/integration/test_api_auth.py",),
    ),
    Mutation(
        "api: the token's hash is not compared",
        "portal/api/tokens.py",
        "    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(raw)):\n",
        "    if token is None:\n",
        ("tests/integration/test_api_auth.py",),
    ),
    Mutation(
        "api: a session cookie authorises the API",
        "portal/api/auth.py",
        "    token = current_token()\n    if token is None:\n        exc = Unauthorized(",
        "    token = current_token()\n"
        "    if token is None and __import__('flask_login').current_user.is_authenticated:\n"
        "        return\n    if token is None:\n        exc = Unauthorized(",
        ("tests/integration/test_api_auth.py",),
    ),
    Mutation(
        "api: requests load without the access check",
        "portal/api/service_requests.py",
        "    return access.request_by_reference(ref, access.Action.VIEW)\n",
        "    return get_session().scalar(select(ServiceRequest).where(ServiceRequest.reference == ref))\n",
        ("tests/integration/test_api_requests.py",),
    ),
    Mutation(
        "api: customers see internal notes",
        "portal/api/service_requests.py",
        'return {"items": [m for m in found.messages if staff or not m.internal]}',
        'return {"items": list(found.messages)}',
        ("tests/integration/test_api_requests.py",),
    ),
    Mutation(
        "api: the rate limit is per address, not per token",
        "portal/api/auth.py",
        'return f"api-token:{token.id}" if token is not None else f"api-ip:{get_remote_address()}"',
        'return f"api-ip:{get_remote_address()}"',
        ("tests/integration/test_api_auth.py",),
    ),
    Mutation(
        "api: Idempotency-Key ignored",
        "portal/api/idempotency.py",
        "        key = request.headers.get(HEADER)\n",
        "        key = None\n",
        ("tests/integration/test_api_requests.py",),
    ),
    Mutation(
        "api: customers list every customer",
        "portal/api/catalog.py",
        "    _require(access.Action.WORK_QUEUE)\n    query = select(User)",
        "    query = select(User)",
        ("tests/integration/test_api_auth.py",),
    ),
)


def apply(source: str, mutation: Mutation) -> str:
    """`source` with the mutation applied; ValueError unless the snippet occurs exactly once."""
    count = source.count(mutation.snippet)
    if count != 1:
        raise ValueError(f"snippet found {count} times in {mutation.path} (stale mutation?)")
    return source.replace(mutation.snippet, mutation.replacement)


def copy_tree(target: Path) -> Path:
    """A copy of the working tree (without .git, .venv and caches) under `target`."""
    tree = target / "tree"
    shutil.copytree(ROOT, tree, ignore=COPY_IGNORE, symlinks=True)
    return tree


def child_env(tree: Path) -> dict[str, str]:
    """The environment of a test run: the copy first on the path, no bytecode caches."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def existing(tree: Path, tests: tuple[str, ...]) -> tuple[str, ...]:
    """The tests whose file exists in the copy (a test id may carry `::name`)."""
    return tuple(test for test in tests if (tree / test.split("::")[0]).is_file())


def run_tests(tree: Path, tests: tuple[str, ...]) -> tuple[int, str]:
    """Run `tests` in the copy with `pytest -x`; (exit code, pytest's summary line).

    With no test file to run, nothing can notice the mutation: exit 0, "no test".
    """
    if not tests:
        return 0, "no test file guards this rule"
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        command, cwd=tree, env=child_env(tree), capture_output=True, text=True, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    summary = lines[-1].strip("= ") if lines else done.stderr.strip()[-200:]
    return done.returncode, summary


def imports_from_copy(tree: Path) -> bool:
    """True if the test runs import the portal from the copy (not from an installed checkout)."""
    probe = (
        "import portal, linker, knowledge_base as kb; print(portal.__file__, linker.__file__, kb.__file__)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=tree,
        env=child_env(tree),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return all(Path(path).resolve().is_relative_to(tree.resolve()) for path in out.split())


def verdict(code: int) -> str:
    """pytest's exit code as a mutation result."""
    return {0: "SURVIVED", 1: "killed"}.get(code, f"ERROR (pytest exit {code})")


def run(mutations: list[Mutation], baseline: bool) -> int:
    """Apply each mutation in a temporary copy, print the table; 0 if all were killed."""
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        tree = copy_tree(Path(tmp))
        if not imports_from_copy(tree):
            print("the copy's packages are shadowed by an installed checkout; aborting", file=sys.stderr)
            return 1
        if baseline:
            every = existing(tree, tuple(dict.fromkeys(test for m in mutations for test in m.tests)))
            code, summary = run_tests(tree, every)
            print(f"baseline (no mutation): {summary}")
            if code != 0:
                print("the tests fail without any mutation; fix them first", file=sys.stderr)
                return 1
        print()
        print("| mutation | tests run | result | pytest |")
        print("|---|---|---|---|")
        failed = 0
        for mutation in mutations:
            target = tree / mutation.path
            original = target.read_text("utf-8")
            started = time.monotonic()
            try:
                target.write_text(apply(original, mutation), "utf-8")
                code, summary = run_tests(tree, existing(tree, mutation.tests))
                result = verdict(code)
            except ValueError as exc:
                result, summary = "ERROR (stale)", str(exc)
            finally:
                target.write_text(original, "utf-8")
            failed += result != "killed"
            present = existing(tree, mutation.tests)
            tests = ", ".join(
                t.removeprefix("tests/") + ("" if t in present else " (missing)") for t in mutation.tests
            )
            seconds = time.monotonic() - started
            print(f"| {mutation.name} | {tests} | {result} | {summary} ({seconds:.0f} s) |", flush=True)
        print()
        print(f"{len(mutations) - failed} of {len(mutations)} mutations killed")
        return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the selected mutations."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("-k", action="append", default=[], help="run mutations whose name contains this")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.k or any(k.lower() in m.name.lower() for k in args.k)]
    if args.list:
        for mutation in chosen:
            print(f"{mutation.name}  [{mutation.path}; {', '.join(mutation.tests)}]")
        return 0
    if not chosen:
        print("no mutation matches", file=sys.stderr)
        return 1
    return run(chosen, baseline=not args.no_baseline)


if __name__ == "__main__":
    sys.exit(main())
