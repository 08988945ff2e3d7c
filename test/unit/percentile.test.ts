import { expect } from "chai";
import { median, percentile } from "../../bot/reports/reports.js";

describe("time-to-close's median and 90th percentile", () => {
  const firstN = (n: number) => Array.from({ length: n }, (_, i) => (i + 1) * 10);

  it("takes the 90th percentile by nearest rank: the ceil(0.9 n)-th smallest value, at n a multiple of 10", () => {
    // n = 10: rank 9 (the ninth value), not the tenth nor a value between them.
    expect(percentile(firstN(10), 90)).to.equal(90);
    // n = 20: rank 18.
    expect(percentile(firstN(20), 90)).to.equal(180);
    // Either side of a multiple: n = 11 and n = 9 both round the rank up (10 and 9).
    expect(percentile(firstN(11), 90)).to.equal(100);
    expect(percentile(firstN(9), 90)).to.equal(90);
    expect(percentile([7], 90)).to.equal(7);
  });

  it("takes the median as the middle value, or the mean of the two middle ones", () => {
    expect(median(firstN(10))).to.equal(55);
    expect(median(firstN(9))).to.equal(50);
  });
});
