import { describe, expect, it } from 'vitest';
import { landingCounts } from '../../web/src/upload-landings.js';

// What the upload page says of an answer's landings: lines skipped as already imported are the shop's own;
// lines of the uploader's other shops (an agent's file) went to those shops and are said to have.

describe('landingCounts', () => {
  it('counts only the uploaded-to shop’s lines as already imported', () => {
    expect(
      landingCounts(
        [
          { merchantId: 7, stored: 2, duplicate: false, alreadyStored: 3 },
          { merchantId: 8, stored: 5, duplicate: false, alreadyStored: 4 },
          { merchantId: 9, stored: 0, duplicate: false, alreadyStored: 6 },
        ],
        7,
      ),
    ).toEqual({ alreadyStored: 3, otherShops: 15 });
  });

  it('says a re-download uploaded under a second shop holds the first shop’s lines, none skipped here', () => {
    // As test/server/lines-of-another-shop.test.ts answers: nothing on the second shop, 4 already on the first.
    expect(
      landingCounts(
        [
          { merchantId: 2, stored: 0, alreadyStored: 0, duplicate: false },
          { merchantId: 1, stored: 0, alreadyStored: 4, duplicate: false },
        ],
        2,
      ),
    ).toEqual({ alreadyStored: 0, otherShops: 4 });
  });

  it('is nothing for a duplicate file or an answer without landings', () => {
    expect(landingCounts([{ merchantId: 3, stored: 0, alreadyStored: 0, duplicate: true }], 3)).toEqual({
      alreadyStored: 0,
      otherShops: 0,
    });
    expect(landingCounts(undefined, 3)).toEqual({ alreadyStored: 0, otherShops: 0 });
  });
});
