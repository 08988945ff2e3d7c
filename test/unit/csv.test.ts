import { expect } from "chai";
import { toCsv } from "../../bot/reports/csv.js";

describe("CSV files", () => {
  it("quotes as RFC 4180 says and keeps typed formulas from running in a spreadsheet", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["Smith, John", 'say "hi"'],
          ["=SUM(A1)", "+44 7700"],
          ["-1", "@here"],
          [-3, "line\nbreak"],
        ],
      ),
    ).to.equal(
      'a,b\r\n"Smith, John","say ""hi"""\r\n\'=SUM(A1),\'+44 7700\r\n\'-1,\'@here\r\n-3,"line\nbreak"\r\n',
    );
  });
});
