"""A secretary imports the branch roster from Excel: upload, check the preview, confirm."""
import pytest

from tests.builders import roster_xlsx

pytestmark = pytest.mark.e2e


def test_secretary_imports_an_excel_roster(site, pages, expect, tmp_path):
    good = tmp_path / "名册.xlsx"
    good.write_bytes(roster_xlsx(["孙一", "正式党员", "第一党小组", "13900001111", "sun1@example.org", ""],
                                 ["孙二", "预备党员", "第二党小组", "13900002222", "", ""]))
    bad = tmp_path / "有错的名册.xlsx"
    bad.write_bytes(roster_xlsx(["", "正式党员", "第九党小组", "123", "", ""]))
    page = pages.new("desktop")
    site.sign_in(page, "secretary")
    page.goto(f"/branches/{site.org('a1')}/import")

    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="上传并预览").click()
    error_row = page.locator("tr.row-error")
    expect(error_row).to_have_count(1)
    expect(error_row.locator("th, td").first).to_have_text("2")  # the spreadsheet's row number
    expect(error_row).to_contain_text("请填写姓名")
    expect(error_row).to_contain_text("第九党小组")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)

    page.goto(f"/branches/{site.org('a1')}/import")
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("tr.row-error")).to_have_count(0)
    page.get_by_role("button", name="确认导入 2 名党员").click()
    expect(page.locator(".flash-success")).to_contain_text("2")
    roster = page.locator("main table.roster tbody")
    expect(roster).to_contain_text("孙一")
    expect(roster.locator("tr", has_text="孙二")).to_contain_text("预备党员")
    pages.assert_clean()
