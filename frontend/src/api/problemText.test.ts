import { afterEach, describe, expect, it } from 'vitest';
import i18n from '../i18n';
import { ApiError, problemFieldErrors } from './problem';

const refused = new ApiError(422, {
  type: 'urn:khuyenhoc:problem:validation',
  title: 'Dữ liệu không hợp lệ',
  status: 422,
  detail: 'Dữ liệu không hợp lệ ở: name',
  errors: [
    { loc: ['body', 'name'], msg: 'Chưa nhập', type: 'missing' },
    { loc: ['body', 'note'], msg: 'Lý do riêng của máy chủ', type: 'something_new' },
  ],
});

describe('API errors in the user’s language (issue 19 item 9)', () => {
  afterEach(async () => {
    await i18n.changeLanguage('vi');
  });

  it('in Vietnamese keeps the API’s own sentences', async () => {
    await i18n.changeLanguage('vi');
    expect(refused.lines).toEqual(['Dữ liệu không hợp lệ ở: name', 'name: Chưa nhập', 'note: Lý do riêng của máy chủ']);
  });

  it('in English speaks from the problem type and each error type; the prose only for an unknown code', async () => {
    await i18n.changeLanguage('en');
    expect(refused.lines).toEqual(['Some of the data is not valid.', 'name: Required.', 'note: Lý do riêng của máy chủ']);
    expect(problemFieldErrors(refused).fields.name).toEqual(['Required.']);
    const unknown = new ApiError(409, { type: 'urn:khuyenhoc:problem:brand-new', title: 'T', status: 409, detail: 'Chi tiết' });
    expect(unknown.lines).toEqual(['Chi tiết']);
  });
});
