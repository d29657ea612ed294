#!/usr/bin/python3
"""The web desk in a real browser: headless Chromium (Debian's chromium and
chromium-driver, driven by python3-selenium) against a real pqtrack-server
on a throwaway embedded cluster and a real pqtrack-web.

A responder signs in (a wrong password first), filters the queue, opens an
item, finds the returned draft pre-filled, saves over a change made
meanwhile (both texts shown, nothing lost), saves again and submits; the
leader finds it under "awaiting approval", returns it with a reason, and
after the responder resubmits, approves it; the responder sends it and the
page shows the answer as sent, and the signed file attached to it (a file of
a type not taken is refused). A responder of another unit who types the
item's address gets "not found"; a form posted without its CSRF code is
refused. Each page is saved as a PNG under the screenshot directory.

Usage: web_desk_test.py SERVER_BIN WEB_BIN CLI_BIN SOURCE_DIR SCREENSHOT_DIR
"""

import base64
import datetime
import hashlib
import http.client
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

SERVER_BIN, WEB_BIN, CLI_BIN, SOURCE_DIR, SHOTS = sys.argv[1:6]
PASSWORD = {"tl.resp": "Mật khẩu chuyên viên 2024",
            "tl.lead": "Mật khẩu lãnh đạo 2024",
            "ccvc.resp": "Mật khẩu phối hợp 2024"}


class Process:
    """A program whose output is read by a thread; `wait_for` blocks until
    a line containing a text is printed (no polling, no sleeps)."""

    def __init__(self, argv, **kwargs):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     **kwargs)
        self.lines = []
        self.cond = threading.Condition()
        self.done = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.done = True
            self.cond.notify_all()

    def wait_for(self, text, timeout=120):
        with self.cond:
            found = self.cond.wait_for(
                lambda: self.done or any(text in l for l in self.lines),
                timeout)
            for line in self.lines:
                if text in line:
                    return line
        raise AssertionError(f"{text!r} never printed; output:\n" +
                             "\n".join(self.lines) + f"\n(found={found})")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class WebDeskInTheBrowser(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="pqtrack-browser-")
        # The embedded cluster runs as "postgres" when this runs as root.
        os.chmod(cls.dir, 0o711)
        data = os.path.join(cls.dir, "data")
        # Ladder alerts fire only at the scheduler's first round: every
        # alert after it comes from the moves the tests make.
        cls.server = Process([SERVER_BIN, "--listen", "127.0.0.1:0",
                              "--data-dir", data,
                              "--alert-interval-seconds", "86400"])
        line = cls.server.wait_for("listening on ")
        cls.address = line.split("listening on ")[1].strip()
        cls.admin_token = pathlib.Path(data, "admin.token").read_text().split()[0]
        cls.seed()
        cls.web = Process([WEB_BIN, "--listen", "127.0.0.1:0",
                           "--server", cls.address])
        line = cls.web.wait_for("listening on http://")
        cls.base = re.search(r"(http://[^ ]+)", line).group(1)
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     "--window-size=1280,1600",
                     "--user-data-dir=" + os.path.join(cls.dir, "chromium")]:
            options.add_argument(flag)
        cls.browser = webdriver.Chrome(
            service=Service("/usr/bin/chromedriver"), options=options)
        cls.browser.set_page_load_timeout(60)
        # This run's pictures only.
        shutil.rmtree(SHOTS, ignore_errors=True)
        pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
        cls.shot = 0

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.web.stop()
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    # --- set-up through the CLI, as the ministry office would ---------

    @classmethod
    def cli(cls, *args, token=None, stdin=None):
        argv = [CLI_BIN, "--server", cls.address, "--token",
                token or cls.admin_token, *args]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("PQTRACK_")}
        env["PQTRACK_CONFIG"] = os.path.join(cls.dir, "none.toml")
        r = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                           env=env)
        if r.returncode != 0:
            raise AssertionError(f"pqtrack {' '.join(args)}: {r.stdout}"
                                 f"{r.stderr}")
        return r.stdout

    @classmethod
    def seed(cls):
        cls.cli("unit", "import", os.path.join(SOURCE_DIR,
                                               "data/moha-units.csv"))
        cls.tokens = {}
        for login, role, unit in [("tl.resp", "responder", "TL"),
                                  ("tl.lead", "leader", "TL"),
                                  ("ccvc.resp", "responder", "CCVC")]:
            cls.cli("user", "create", "--login", login, "--name",
                    login.replace(".", " ").title(), "--role", role,
                    "--unit", unit)
            cls.cli("user", "set-password", login, "--password-stdin",
                    stdin=PASSWORD[login] + "\n")
            cls.tokens[login] = cls.cli("token", "issue", "--user",
                                        login).split("\n")[0].strip()
        today = datetime.date.today()

        def record(title, number, received, due):
            out = cls.cli("-o", "json", "item", "record", "document",
                          "--sender", "UBND tỉnh Nghệ An", "--number", number,
                          "--dated", (received - datetime.timedelta(days=2))
                          .isoformat(), "--received", received.isoformat(),
                          "--due", due.isoformat(), "--title", title,
                          "--lead", "TL")
            return int(re.search(r'"id":\s*"?(\d+)', out).group(1))

        cls.item = record("Hướng dẫn chế độ phụ cấp công vụ", "1234/UBND-NC",
                          today - datetime.timedelta(days=3),
                          today + datetime.timedelta(days=5))
        cls.other = record("Báo cáo biên chế năm trước", "88/UBND-TCCB",
                           today - datetime.timedelta(days=30),
                           today - datetime.timedelta(days=2))
        # A first draft, submitted and returned: what the responder finds.
        resp, lead = cls.tokens["tl.resp"], cls.tokens["tl.lead"]
        cls.cli("item", "draft", str(cls.item), "--text",
                "Dự thảo lần 1: Bộ Nội vụ hướng dẫn như sau.", token=resp)
        cls.cli("item", "submit", str(cls.item), token=resp)
        cls.cli("item", "return", str(cls.item), "--comment",
                "Bổ sung căn cứ pháp lý", token=lead)

    # --- the browser --------------------------------------------------

    def save(self, name):
        type(self).shot += 1
        self.browser.save_screenshot(
            os.path.join(SHOTS, f"{self.shot:02d}-{name}.png"))

    def click_and_load(self, element):
        """Clicks something that loads a new page and waits for it (and,
        on the queue, for its first live refresh, which swaps the list)."""
        old = self.browser.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(self.browser, 30).until(
            expected_conditions.staleness_of(old))
        self.settle()

    def settle(self):
        WebDriverWait(self.browser, 60).until(lambda b: b.execute_script(
            "return !document.getElementById('live') ||"
            " document.body.dataset.live === 'off' ||"
            " Number(document.body.dataset.refreshed || 0) >= 1"))

    def press(self, text):
        """Clicks the button labelled `text` and waits for the next page."""
        self.click_and_load(self.browser.find_element(
            By.XPATH, f"//button[normalize-space()='{text}']"))

    def page(self):
        return self.browser.find_element(By.TAG_NAME, "body").text

    def sign_in(self, login, password=None):
        self.browser.get(self.base + "/login")
        self.browser.find_element(By.ID, "user").send_keys(login)
        self.browser.find_element(By.ID, "password").send_keys(
            password or PASSWORD[login])
        self.press("Đăng nhập")

    def sign_out(self):
        self.press("Đăng xuất")
        self.assertIn("/login", self.browser.current_url)

    def open_item(self):
        self.click_and_load(self.browser.find_element(
            By.LINK_TEXT, "Hướng dẫn chế độ phụ cấp công vụ"))
        self.assertTrue(self.browser.current_url.endswith(f"/items/{self.item}"))

    def notice(self):
        return self.browser.find_element(By.CSS_SELECTOR, "[role=status]").text

    def check_accessible(self):
        """Every form field has a label, nothing is taken out of the tab
        order, and the page does not scroll sideways."""
        unlabelled = self.browser.execute_script("""
            return Array.from(document.querySelectorAll(
                'input:not([type=hidden]), select, textarea'))
              .filter(f => !(f.labels && f.labels.length) &&
                           !f.getAttribute('aria-label'))
              .map(f => f.outerHTML);""")
        self.assertEqual(unlabelled, [])
        untabbable = self.browser.execute_script("""
            return Array.from(document.querySelectorAll(
                'a[href], button, input:not([type=hidden]), select, textarea'))
              .filter(e => e.tabIndex < 0).map(e => e.outerHTML);""")
        self.assertEqual(untabbable, [])
        self.assertLessEqual(
            self.browser.execute_script(
                "return document.documentElement.scrollWidth"),
            self.browser.execute_script("return window.innerWidth"))

    def zoom(self, percent):
        """Renders as at `percent`% zoom of a 1280 pixel wide window."""
        if percent == 100:
            self.browser.execute_cdp_cmd(
                "Emulation.clearDeviceMetricsOverride", {})
            return
        scale = percent / 100
        self.browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": int(1280 / scale), "height": int(1600 / scale),
            "deviceScaleFactor": scale, "mobile": False})

    def wait_live(self):
        """Waits until the queue page listens and has caught up once."""
        WebDriverWait(self.browser, 60).until(lambda b: b.execute_script(
            "return document.body.dataset.live === 'on' &&"
            " Number(document.body.dataset.refreshed || 0) >= 1"))

    def read_replay(self, response):
        """The alert events of a stream up to the heartbeat that ends its
        replay, each as a dict of its fields."""
        out, event = [], {}
        while True:
            line = response.fp.readline().decode()
            self.assertTrue(line, "the stream ended before its heartbeat")
            line = line.rstrip("\n")
            if line:
                name, _, value = line.partition(": ")
                event[name] = value
                continue
            if event.get("event") == "heartbeat":
                return out
            if event.get("event") == "alert":
                out.append(event)
            event = {}

    def events(self, session, last_event_id=None):
        """Opens /events as a browser would; returns the open response."""
        conn = http.client.HTTPConnection(
            urllib.parse.urlparse(self.base).netloc, timeout=60)
        headers = {"Accept": "text/event-stream"}
        if session:
            headers["Cookie"] = f"pqtrack_session={session}"
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        conn.request("GET", "/events", headers=headers)
        return conn, conn.getresponse()

    def test_a_reply_from_the_queue_to_the_answer_as_sent(self):
        b = self.browser
        # A wrong password is refused.
        self.sign_in("tl.resp", "không đúng mật khẩu")
        self.assertIn("Sai tên đăng nhập hoặc mật khẩu", self.page())
        self.save("login-refused")
        self.check_accessible()
        self.sign_in("tl.resp")
        self.assertIn("Việc của đơn vị", self.page())
        self.assertIn("(2 việc)", self.page())
        self.check_accessible()
        self.save("queue")
        # Filters run on the server; each view shows its count.
        self.click_and_load(b.find_element(By.LINK_TEXT, "Sắp đến hạn (1)"))
        self.assertIn("(1 việc)", self.page())
        self.assertNotIn("Báo cáo biên chế", self.page())
        self.click_and_load(b.find_element(By.LINK_TEXT, "Quá hạn (1)"))
        self.assertIn("Báo cáo biên chế", self.page())
        self.assertNotIn("Hướng dẫn chế độ", self.page())
        self.save("queue-overdue")
        # Returned to us: the draft the leader sent back.
        self.click_and_load(b.find_element(By.LINK_TEXT, "Bị trả lại (1)"))
        self.assertIn("Hướng dẫn chế độ", self.page())
        self.assertIn("(bị trả lại để sửa)", self.page())
        self.assertNotIn("Báo cáo biên chế", self.page())
        # By kind, with the filter form: no question waits.
        Select(b.find_element(By.ID, "f-kind")).select_by_visible_text(
            "Chất vấn")
        self.press("Lọc")
        self.assertIn("(0 việc)", self.page())
        self.assertIn("view=returned", b.current_url)
        self.assertIn("kind=QUESTION", b.current_url)
        self.assertIn("Tất cả (0)", self.page())
        Select(b.find_element(By.ID, "f-kind")).select_by_visible_text(
            "Tất cả")
        self.press("Lọc")
        self.click_and_load(b.find_element(By.LINK_TEXT, "Tất cả (2)"))

        # The returned draft waits in the editor, with the leader's reason
        # in the history.
        self.open_item()
        editor = b.find_element(By.ID, "draft-text")
        self.assertEqual(editor.get_attribute("value"),
                         "Dự thảo lần 1: Bộ Nội vụ hướng dẫn như sau.")
        self.assertIn("Trả lại để sửa", self.page())
        self.assertIn("Bổ sung căn cứ pháp lý", self.page())
        self.check_accessible()
        self.save("item-returned")

        # Someone saves meanwhile: the user's text is not lost.
        self.cli("item", "draft", str(self.item), "--text",
                 "Bản của đồng nghiệp", token=self.tokens["tl.resp"])
        editor.clear()
        editor.send_keys("Dự thảo lần 2: căn cứ Nghị định 73/2024/NĐ-CP.")
        self.press("Lưu dự thảo")
        self.assertIn("Người khác đã thay đổi việc này", self.page())
        self.assertIn("Bản của đồng nghiệp", self.page())
        self.assertEqual(
            b.find_element(By.ID, "draft-text").get_attribute("value"),
            "Dự thảo lần 2: căn cứ Nghị định 73/2024/NĐ-CP.")
        self.save("item-conflict")
        self.press("Lưu dự thảo")
        self.assertEqual(self.notice(), "Đã lưu dự thảo.")
        self.press("Trình lãnh đạo duyệt")
        self.assertEqual(self.notice(), "Đã trình lãnh đạo.")
        self.assertIn("Chờ duyệt", self.page())
        self.assertIn("Bạn không có thao tác nào", self.page())
        self.save("item-submitted")

        # The CSRF code is required on every form.
        session = b.get_cookie("pqtrack_session")["value"]
        request = urllib.request.Request(
            f"{self.base}/items/{self.item}/draft",
            data=urllib.parse.urlencode({"version": "1", "text": "x"}).encode(),
            headers={"Cookie": f"pqtrack_session={session}"})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        self.assertEqual(refused.exception.code, 403)
        self.sign_out()

        # The leader: awaiting approval; returns once, with a reason.
        self.sign_in("tl.lead")
        self.click_and_load(b.find_element(By.LINK_TEXT, "Chờ duyệt (1)"))
        self.assertIn("(1 việc)", self.page())
        self.save("leader-awaiting-approval")
        self.open_item()
        self.assertIn("Dự thảo lần 2: căn cứ Nghị định 73/2024/NĐ-CP.",
                      self.page())
        b.find_element(By.ID, "return-comment").send_keys(
            "Ghi rõ thời điểm áp dụng")
        self.press("Trả lại để sửa")
        self.assertEqual(self.notice(), "Đã trả lại.")
        self.sign_out()

        self.sign_in("tl.resp")
        self.open_item()
        editor = b.find_element(By.ID, "draft-text")
        editor.send_keys(" Áp dụng từ ngày 01/7/2024.")
        self.press("Lưu dự thảo")
        self.press("Trình lãnh đạo duyệt")
        self.sign_out()

        self.sign_in("tl.lead")
        self.open_item()
        self.press("Duyệt")
        self.assertEqual(self.notice(), "Đã duyệt.")
        self.save("leader-approved")
        self.sign_out()

        # The responder sends it with the signed file; the page shows the
        # answer as sent.
        self.sign_in("tl.resp")
        self.open_item()
        b.find_element(By.ID, "send-number").send_keys("456/BNV-TL")
        b.find_element(By.ID, "send-signer").send_keys(
            "Thứ trưởng Nguyễn Văn X")
        b.find_element(
            By.CSS_SELECTOR,
            "#send-outcome option[value=IMPLEMENTATION]").click()
        signed = os.path.join(self.dir, "Công văn 456-BNV-TL.pdf")
        pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
        pathlib.Path(signed).write_bytes(pdf)
        b.find_element(By.ID, "send-file").send_keys(signed)
        self.check_accessible()
        self.save("item-send-form")
        self.press("Gửi văn bản trả lời")
        self.assertEqual(self.notice(), "Đã gửi trả lời.")
        # The signed answer is listed, with its SHA-256, and downloads as it
        # was sent.
        files = b.find_element(By.CSS_SELECTOR, "table.files").text
        self.assertIn("Công văn 456-BNV-TL.pdf", files)
        self.assertIn("Văn bản trả lời đã ký", files)
        self.assertIn(hashlib.sha256(pdf).hexdigest(), files)
        link = b.find_element(By.LINK_TEXT, "Công văn 456-BNV-TL.pdf")
        session = b.get_cookie("pqtrack_session")["value"]
        with urllib.request.urlopen(urllib.request.Request(
                link.get_attribute("href"),
                headers={"Cookie": f"pqtrack_session={session}"})) as got:
            self.assertEqual(got.read(), pdf)
            self.assertIn("attachment", got.headers["Content-Disposition"])
        self.assertIn("Đính kèm tệp", self.page())  # in the history
        # A file of a type not taken is refused, and nothing is listed.
        text = os.path.join(self.dir, "ghi-chu.txt")
        pathlib.Path(text).write_text("không phải PDF")
        b.find_element(By.ID, "file-input").send_keys(text)
        self.press("Đính kèm tệp")
        self.assertIn("content_type: must be one of", self.page())
        self.assertNotIn("ghi-chu.txt",
                         b.find_element(By.CSS_SELECTOR, "table.files").text)
        # A file over 20 MiB is refused in the page, before it is sent.
        big = os.path.join(self.dir, "quá-lớn.pdf")
        with open(big, "wb") as f:
            f.write(b"%PDF-1.4\n")
            f.truncate(20 * 1024 * 1024 + 1)
        b.find_element(By.ID, "file-input").send_keys(big)
        self.assertIn("Tệp quá lớn: tối đa 20 MB",
                      b.find_element(By.CSS_SELECTOR, ".too-big").text)
        self.assertTrue(b.execute_script("""
            const form = document.getElementById('file-input').form;
            const e = new Event('submit', {cancelable: true});
            form.dispatchEvent(e);
            return e.defaultPrevented;"""))
        answer = b.find_element(By.CSS_SELECTOR, "section.answer").text
        self.assertIn("456/BNV-TL", answer)
        self.assertIn("Thứ trưởng Nguyễn Văn X", answer)
        self.assertIn("Đã giải quyết — Tổ chức thực hiện", answer)
        self.assertIn("Áp dụng từ ngày 01/7/2024.", answer)
        self.assertIn("Đã trả lời", self.page())
        self.save("item-answered")

        # Printed, the page is the item on A4 without its forms and buttons.
        b.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            shown = b.execute_script("""
                return Array.from(document.querySelectorAll(
                    'form, button, input, textarea, select, header a'))
                  .filter(e => e.getClientRects().length > 0)
                  .map(e => e.outerHTML.slice(0, 80));""")
            self.save("item-print-media")
        finally:
            b.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        self.assertEqual(shown, [])
        pdf = base64.b64decode(b.execute_cdp_cmd(
            "Page.printToPDF", {"preferCSSPageSize": True})["data"])
        self.assertTrue(pdf.startswith(b"%PDF"))
        # A4 is 595 x 842 points, give or take Skia's rounding.
        box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
        self.assertIsNotNone(box, "the PDF has no page size")
        self.assertAlmostEqual(float(box.group(1)), 595, delta=1)
        self.assertAlmostEqual(float(box.group(2)), 842, delta=1)
        pathlib.Path(SHOTS, "item-answered.pdf").write_bytes(pdf)

        # In English with one click.
        self.press("English")
        self.assertIn("The answer as sent", self.page())
        self.save("item-answered-en")
        self.press("Tiếng Việt")
        self.sign_out()

        # Another unit's responder is told nothing about it.
        self.sign_in("ccvc.resp")
        b.get(f"{self.base}/items/{self.item}")
        self.assertIn("Không tìm thấy việc này", self.page())
        self.save("other-unit-not-found")

    def test_b_the_queue_lives_and_reads_by_keyboard_and_at_200_percent(self):
        b = self.browser
        # Keyboard only: the user name field has the focus, Tab goes on to
        # the password, Enter signs in.
        b.get(self.base + "/login")
        # (autofocus applies once the page has rendered)
        WebDriverWait(b, 30).until(
            lambda d: d.switch_to.active_element.get_attribute("id") == "user")
        b.switch_to.active_element.send_keys("tl.lead" + Keys.TAB)
        self.assertEqual(b.switch_to.active_element.get_attribute("id"),
                         "password")
        old = b.find_element(By.TAG_NAME, "html")
        b.switch_to.active_element.send_keys(PASSWORD["tl.lead"] + Keys.ENTER)
        WebDriverWait(b, 30).until(expected_conditions.staleness_of(old))
        self.assertIn("Việc của đơn vị", self.page())

        # The leader's "awaiting approval" updates itself when a responder
        # submits a draft (an alert for the unit arrives over /events).
        self.click_and_load(b.find_element(By.LINK_TEXT, "Chờ duyệt (0)"))
        self.wait_live()
        self.assertIn("Tự cập nhật khi có thay đổi", self.page(),
                      b.find_element(By.ID, "live").get_attribute("outerHTML"))
        before = int(b.execute_script("return document.body.dataset.refreshed"))
        today = datetime.date.today()
        out = self.cli("-o", "json", "item", "record", "document", "--sender",
                       "UBND tỉnh Thanh Hóa", "--number", "77/UBND-VX",
                       "--dated", today.isoformat(), "--received",
                       today.isoformat(), "--title",
                       "Xin ý kiến về tuyển dụng công chức", "--lead", "TL")
        fresh = re.search(r'"id":\s*"?(\d+)', out).group(1)
        resp = self.tokens["tl.resp"]
        self.cli("item", "draft", fresh, "--text", "Dự thảo trả lời",
                 token=resp)
        self.cli("item", "submit", fresh, token=resp)
        WebDriverWait(b, 60).until(lambda d: "Xin ý kiến về tuyển dụng" in
                                   d.find_element(By.ID, "queue-list").text)
        self.assertIn("Chờ duyệt (1)", self.page())
        self.assertGreater(
            int(b.execute_script("return document.body.dataset.refreshed")),
            before)
        self.assertIn("Đã cập nhật lúc", self.page())
        self.save("queue-live-update")
        # A move that raises no alert (a liaison moves the due date) comes
        # over /events as a change, and the queue shows the new date.
        later = today + datetime.timedelta(days=40)
        self.cli("item", "extend", fresh, "--to", later.isoformat(),
                 "--reason", "Chờ ý kiến Bộ Tài chính",
                 "--approved-by", "Thứ trưởng")
        WebDriverWait(b, 60).until(lambda d: later.strftime("%d/%m/%Y") in
                                   d.find_element(By.ID, "queue-list").text)

        # At 200% zoom everything still reads without sideways scrolling,
        # the queue's rows as cards.
        self.zoom(200)
        b.refresh()
        self.settle()
        self.check_accessible()
        self.save("queue-200-percent")
        self.click_and_load(b.find_element(
            By.LINK_TEXT, "Xin ý kiến về tuyển dụng công chức"))
        self.check_accessible()
        self.save("item-200-percent")
        self.zoom(100)

        # /events itself: a page that lost its connection resumes from its
        # cursor (Last-Event-ID) and gets what it missed, in order; without
        # a session or with a bad cursor it is refused.
        session = b.get_cookie("pqtrack_session")["value"]
        conn, got = self.events(session, "0")
        self.assertEqual(got.status, 200)
        self.assertEqual(got.headers["Content-Type"], "text/event-stream")
        replay = self.read_replay(got)
        conn.close()
        ids = [int(e["id"]) for e in replay]
        kinds = [json.loads(e["data"])["kind"] for e in replay]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(set(ids)), len(ids))
        self.assertIn("ALERT_KIND_ASSIGNED", kinds)
        self.assertIn("ALERT_KIND_RETURNED_FOR_REVISION", kinds)
        self.assertEqual(kinds[-1], "ALERT_KIND_SUBMITTED_FOR_APPROVAL")
        self.assertEqual(json.loads(replay[-1]["data"])["item_id"], fresh)
        # Resuming after the second to last gets exactly the last one.
        conn, got = self.events(session, str(ids[-2]))
        self.assertEqual([int(e["id"]) for e in self.read_replay(got)],
                         ids[-1:])
        conn.close()
        for cookie, cursor, status in [(None, None, 401),
                                       (session, "abc", 400),
                                       ("forged", None, 401)]:
            conn, got = self.events(cookie, cursor)
            self.assertEqual(got.status, status)
            conn.close()

    def test_c_the_reports_are_documents_to_sign_on_a4(self):
        # A session with a batch and a petition, for the session report.
        today = datetime.date.today()
        year = today.year
        self.cli("term", "create", "--code", "XV", "--number", "15",
                 "--start-year", str(year - 4), "--end-year", str(year + 1))
        self.cli("session", "create", "--term", "XV", "--number", "9",
                 "--opens", (today - datetime.timedelta(days=60)).isoformat(),
                 "--closes", (today - datetime.timedelta(days=30)).isoformat())
        self.cli("batch", "create", "--session", "1", "--phase", "after",
                 "--from", "Ban Dân nguyện", "--document", "590/BDN",
                 "--received", (today - datetime.timedelta(days=20))
                 .isoformat())
        self.cli("item", "record", "petition", "--batch", "1", "--title",
                 "Sớm ban hành chế độ tiền lương mới", "--received",
                 (today - datetime.timedelta(days=20)).isoformat(),
                 "--delegation", "Nghệ An", "--field", "Tiền lương",
                 "--lead", "TL")
        month = today.strftime("%Y-%m")
        heading = ["--issuer", "Bộ Nội vụ", "--number", "125/BC-BNV",
                   "--date", today.isoformat(), "--recipient",
                   "Văn phòng Chính phủ", "--signer-authority",
                   "KT. Bộ trưởng", "--signer-title", "Thứ trưởng",
                   "--signer", "Nguyễn Văn A"]
        b = self.browser
        for name, args in [
                ("period", ["period", "--month", month]),
                ("session", ["session", "--session", "1"]),
                ("timeliness", ["timeliness", "--month", month])]:
            for lang in ["vi", "en"]:
                path = os.path.join(SHOTS, f"report-{name}-{lang}.html")
                self.cli("report", *args, "--format", "html", "--lang", lang,
                         *heading, "--out", path)
                b.get(pathlib.Path(path).as_uri())
                text = b.find_element(By.TAG_NAME, "body").text
                # The national heading (in capitals, by the style) and the
                # signature block, in the document's one language.
                self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
                              if lang == "vi" else
                              "SOCIALIST REPUBLIC OF VIET NAM", text)
                self.assertIn("125/BC-BNV", text)
                self.assertIn("Nguyễn Văn A", text)
                self.assertIn("THỨ TRƯỞNG", text)
                if lang == "en":
                    self.assertNotIn("Đã trả lời", text)
                # Nothing sticks out sideways on an A4 page's width.
                self.assertLessEqual(b.execute_script(
                    "return document.documentElement.scrollWidth"),
                    b.execute_script(
                        "return document.documentElement.clientWidth"))
                self.save(f"report-{name}-{lang}")
                pdf = base64.b64decode(b.execute_cdp_cmd(
                    "Page.printToPDF", {"preferCSSPageSize": True})["data"])
                box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]",
                                pdf)
                self.assertIsNotNone(box, "the PDF has no page size")
                self.assertAlmostEqual(float(box.group(1)), 595, delta=1)
                self.assertAlmostEqual(float(box.group(2)), 842, delta=1)
                pathlib.Path(SHOTS, f"report-{name}-{lang}.pdf").write_bytes(
                    pdf)
        # "Answered late" and "overdue, not answered" are told apart.
        period = pathlib.Path(SHOTS, "report-period-vi.html").read_text()
        self.assertIn("trả lời muộn", period)
        self.assertIn("Quá hạn, chưa trả lời", period)
        self.assertIn("Vụ Tiền lương", period)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
