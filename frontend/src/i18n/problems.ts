/**
 * The dashboard's words for the API's errors, keyed by the stable problem `type`
 * (urn:khuyenhoc:problem:<slug>) and by each `errors[].type`. The API's `detail` and `msg` are
 * Vietnamese prose written for people: in Vietnamese they stay the precise message; in any other
 * language these keys speak instead, and the prose is only the fallback for a code not listed here.
 */
const vi = {
  types: {
    'bad-request': 'Yêu cầu không hợp lệ.',
    unauthorized: 'Tên đăng nhập hoặc mật khẩu không đúng, hoặc phiên đăng nhập đã hết hạn.',
    'too-many-attempts': 'Đăng nhập sai quá nhiều lần; hãy thử lại sau ít phút.',
    forbidden: 'Bạn không có quyền làm việc này.',
    'not-found': 'Không tìm thấy.',
    conflict: 'Dữ liệu xung đột với một bản ghi đã có.',
    'precondition-failed': 'Dữ liệu đã bị người khác thay đổi; hãy tải lại rồi thử lại.',
    'precondition-required': 'Cần tải lại bản ghi trước khi sửa.',
    'too-large': 'Dữ liệu gửi lên quá lớn.',
    validation: 'Dữ liệu không hợp lệ.',
    unavailable: 'Dịch vụ tạm thời không sẵn sàng; hãy thử lại sau ít phút.',
    internal: 'Đã có lỗi không mong muốn; lỗi đã được ghi lại.',
    'method-not-allowed': 'Thao tác này không được hỗ trợ.',
    'fund-closed': 'Quỹ đã đóng, không nhận thêm bút toán.',
    'report-approver-not-above': 'Chỉ cấp trên của đơn vị mới được duyệt hoặc mở lại báo cáo.',
    'report-self-approval': 'Người nộp báo cáo không được tự duyệt báo cáo đó.',
    'report-submit-not-own-unit': 'Chỉ đơn vị lập báo cáo mới được nộp báo cáo.',
  },
  items: {
    missing: 'Chưa nhập.',
    unknown_unit: 'Không có đơn vị với mã này vào ngày đó.',
    cursor_invalid: 'Con trỏ phân trang không hợp lệ.',
    enum: 'Giá trị không nằm trong danh sách cho phép.',
    not_found: 'Không tìm thấy.',
    not_allowed: 'Không được phép.',
    file_invalid: 'Không đọc được tệp.',
    file_empty: 'Tệp trống.',
    file_too_large: 'Tệp quá lớn.',
    out_of_range: 'Giá trị ngoài khoảng cho phép.',
    range: 'Khoảng giá trị không hợp lệ.',
    int_parsing: 'Cần một số nguyên.',
    int_type: 'Cần một số nguyên (không phải chữ hay true/false).',
    greater_than_equal: 'Giá trị quá nhỏ.',
    less_than_equal: 'Giá trị quá lớn.',
    string_too_long: 'Quá dài.',
    string_too_short: 'Quá ngắn.',
    string_pattern_mismatch: 'Không đúng định dạng.',
  },
} as const;

type Texts = { types: Record<keyof typeof vi.types, string>; items: Record<keyof typeof vi.items, string> };

const en: Texts = {
  types: {
    'bad-request': 'The request is not valid.',
    unauthorized: 'The username or password is wrong, or the session has expired.',
    'too-many-attempts': 'Too many failed sign-ins; try again in a few minutes.',
    forbidden: 'You do not have permission to do this.',
    'not-found': 'Not found.',
    conflict: 'This conflicts with an existing record.',
    'precondition-failed': 'Someone else changed this in the meantime; reload and try again.',
    'precondition-required': 'Reload the record before changing it.',
    'too-large': 'What was sent is too large.',
    validation: 'Some of the data is not valid.',
    unavailable: 'The service is unavailable for a moment; try again in a few minutes.',
    internal: 'Something went wrong; the error has been logged.',
    'method-not-allowed': 'This action is not supported.',
    'fund-closed': 'The fund is closed and takes no more entries.',
    'report-approver-not-above': 'Only a unit above this one may approve or reopen its report.',
    'report-self-approval': 'Whoever submitted a report may not approve it.',
    'report-submit-not-own-unit': 'Only the reporting unit may submit its report.',
  },
  items: {
    missing: 'Required.',
    unknown_unit: 'No unit has this code on that date.',
    cursor_invalid: 'The page cursor is not valid.',
    enum: 'Not one of the allowed values.',
    not_found: 'Not found.',
    not_allowed: 'Not allowed.',
    file_invalid: 'The file could not be read.',
    file_empty: 'The file is empty.',
    file_too_large: 'The file is too large.',
    out_of_range: 'Out of the allowed range.',
    range: 'The range is not valid.',
    int_parsing: 'A whole number is needed.',
    int_type: 'A whole number is needed (not text or true/false).',
    greater_than_equal: 'Too small.',
    less_than_equal: 'Too large.',
    string_too_long: 'Too long.',
    string_too_short: 'Too short.',
    string_pattern_mismatch: 'Not in the expected format.',
  },
};

export const problemTexts: Record<string, Texts> = { vi, en };
