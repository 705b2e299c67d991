import { describe, expect, it } from 'vitest';
import { ApiError, problemFieldErrors } from './problem';

const problem = (errors: { loc: (string | number)[]; msg: string; type: string }[]) =>
  new ApiError(422, { type: 'urn:khuyenhoc:problem:validation', title: 'Dữ liệu không hợp lệ', status: 422, detail: 'Có lỗi', errors });

describe('problemFieldErrors (one mapper for every form)', () => {
  const e = problem([
    { loc: ['body', 'name'], msg: 'Bắt buộc', type: 'missing' },
    { loc: ['body', 'unit_as_of'], msg: 'Mã không có vào ngày này', type: 'unit' },
    { loc: ['body', 'links', 1], msg: 'Không phải địa chỉ web', type: 'url' },
    { loc: ['report', 'branches'], msg: 'Số âm', type: 'ge' },
    { loc: ['query', 'year'], msg: 'Năm sai', type: 'int' },
  ]);

  it('puts body errors on their fields, the unit code read on a date on the unit code', () => {
    const { fields, other } = problemFieldErrors(e);
    expect(fields).toEqual({
      name: ['Bắt buộc'],
      unit_code: ['Mã không có vào ngày này'],
      links: ['Không phải địa chỉ web'],
    });
    expect(other).toEqual(['Số âm', 'Năm sai']);
  });

  it('keeps to the named fields and sections, and says the line of a list item', () => {
    const { fields, other } = problemFieldErrors(e, {
      names: ['links', 'branches'],
      sections: ['body', 'report'],
      line: (n) => `dòng ${n}`,
    });
    expect(fields).toEqual({ links: ['dòng 2: Không phải địa chỉ web'], branches: ['Số âm'] });
    expect(other).toEqual(['Bắt buộc', 'Mã không có vào ngày này', 'Năm sai']);
  });

  it('maps nothing from an error that is not the API’s', () => {
    expect(problemFieldErrors(new TypeError('offline'))).toEqual({ fields: {}, other: [] });
  });
});
