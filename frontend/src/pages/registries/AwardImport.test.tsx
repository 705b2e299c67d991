import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../i18n';
import { json, problem, stubApi } from '../../test/render';
import { AwardImport } from './AwardImport';

afterEach(() => vi.unstubAllGlobals());

function job(overrides: Record<string, unknown> = {}) {
  return {
    id: 7,
    kind: 'awards',
    status: 'pending',
    phase: 'reading',
    dry_run: false,
    filename: 'khen-thuong.csv',
    total_rows: 0,
    done_rows: 0,
    created_rows: 0,
    errors: [],
    duplicates: [],
    duplicate_rows: 0,
    message: 'Đang chờ xử lý',
    created_at: '2026-11-27T10:00:00Z',
    finished_at: null,
    ...overrides,
  };
}

const AWARDS_LIST = ['registries', 'awards', 'list', {}, null];

function setup() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(AWARDS_LIST, { items: [], next_cursor: null });
  render(
    <QueryClientProvider client={qc}>
      <AwardImport pollMs={10} />
    </QueryClientProvider>,
  );
  return qc;
}

const file = () => new File(['Mã đơn vị,Họ và tên\n12433,Nguyễn Văn An\n'], 'khen-thuong.csv', { type: 'text/csv' });

describe('award import', () => {
  it('a file with errors: progress, then every bad cell by row and column, the duplicates, and nothing refreshed', async () => {
    let state: 'checking' | 'failed' = 'checking';
    const fetchMock = stubApi({
      'POST /api/v1/awards/imports': () => json(job({ dry_run: true }), 202),
      'GET /api/v1/awards/imports/7': () =>
        state === 'checking'
          ? json(job({ dry_run: true, status: 'running', phase: 'checking', done_rows: 2 }))
          : json(
              job({
                dry_run: true,
                status: 'failed',
                phase: 'done',
                total_rows: 3,
                done_rows: 3,
                errors: [
                  { row: 3, column: 'H (amount_vnd)', msg: 'Phải là một số nguyên không âm', type: 'int_parsing' },
                  { row: 3, column: 'C (recipient_kind)', msg: 'Đối tượng là pupil/student/teacher/other', type: 'enum' },
                ],
                duplicates: [{ row: 4, same_as_row: 2, recipient_name: 'Nguyễn Văn An' }],
                message: 'Tệp có 2 lỗi; chưa nhập dòng nào. Sửa các ô được chỉ ra rồi gửi lại.',
                finished_at: '2026-11-27T10:00:01Z',
              }),
            ),
    });
    const qc = setup();
    const dry = screen.getByRole('button', { name: 'Kiểm tra thử' });
    expect((dry as HTMLButtonElement).disabled).toBe(true);
    await userEvent.upload(screen.getByLabelText('Tệp CSV hoặc Excel (.xlsx)'), file());
    expect(screen.getByText(/Đã chọn: khen-thuong.csv/)).toBeTruthy();
    await userEvent.click(dry);

    // While checking, the total is not known yet: the bar says how many rows so far.
    const bar = await screen.findByRole('progressbar');
    await waitFor(() => expect(bar.getAttribute('aria-valuetext')).toMatch(/Đang kiểm tra: 2 dòng/));
    expect(bar.getAttribute('aria-valuenow')).toBeNull();
    expect((screen.getByRole('button', { name: 'Nhập' }) as HTMLButtonElement).disabled).toBe(true);

    state = 'failed';
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Tệp có lỗi')).toBeTruthy();
    expect(within(alert).getByText(/chưa nhập dòng nào/)).toBeTruthy();

    const errors = screen.getByRole('table', { name: 'Các ô có lỗi (2)' });
    const rows = within(errors).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent))).toEqual([
      ['3', 'C (recipient_kind)', 'Đối tượng là pupil/student/teacher/other'],
      ['3', 'H (amount_vnd)', 'Phải là một số nguyên không âm'],
    ]);
    const dups = screen.getByRole('table', { name: /Có thể trùng \(1\)/ });
    expect(within(dups).getByText('Nguyễn Văn An')).toBeTruthy();
    expect(within(dups).getByText('dòng 2 trong tệp')).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('3');

    // The file went as multipart with dry_run=true; the award list was not refreshed.
    const post = fetchMock.mock.calls.map(([r]) => r).find((r) => r.method === 'POST');
    expect(new URL(post!.url).searchParams.get('dry_run')).toBe('true');
    expect(post!.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    // (jsdom's File does not survive the trip through Request; the e2e test sends a real one.)
    expect((await post!.formData()).has('file')).toBe(true);
    expect(qc.getQueryState(AWARDS_LIST)?.isInvalidated).toBe(false);
    // Polling stopped at the end.
    const polls = fetchMock.mock.calls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(fetchMock.mock.calls.length).toBe(polls);
  });

  it('an import: the bar follows done_rows of total_rows to the end, then the lists are refreshed', async () => {
    let state: 'start' | 'half' | 'done' = 'start';
    stubApi({
      'POST /api/v1/awards/imports': () => json(job(), 202),
      'GET /api/v1/awards/imports/7': () =>
        json(
          state === 'start'
            ? job({ status: 'running', phase: 'writing', total_rows: 4, done_rows: 0 })
            : state === 'half'
              ? job({ status: 'running', phase: 'writing', total_rows: 4, done_rows: 2 })
              : job({ status: 'succeeded', phase: 'done', total_rows: 4, done_rows: 4, created_rows: 4, message: 'Đã nhập 4 khen thưởng.' }),
        ),
    });
    const qc = setup();
    await userEvent.upload(screen.getByLabelText('Tệp CSV hoặc Excel (.xlsx)'), file());
    await userEvent.click(screen.getByRole('button', { name: 'Nhập' }));
    const bar = await screen.findByRole('progressbar');
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('0'));
    expect(bar.getAttribute('aria-valuemax')).toBe('4');
    state = 'half';
    await waitFor(() => expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('2'));
    expect(screen.getByText('Đang ghi · 2/4 dòng')).toBeTruthy();
    expect(qc.getQueryState(AWARDS_LIST)?.isInvalidated).toBe(false);
    state = 'done';
    await screen.findByText('Đã nhập 4 khen thưởng');
    expect(screen.getByText('Các khen thưởng vừa nhập đã có trong danh sách bên dưới.')).toBeTruthy();
    const end = screen.getByRole('progressbar');
    expect(end.getAttribute('aria-valuenow')).toBe('4');
    expect(end.getAttribute('aria-valuemax')).toBe('4');
    expect((end.firstElementChild as HTMLElement).style.width).toBe('100%');
    await waitFor(() => expect(qc.getQueryState(AWARDS_LIST)?.isInvalidated).toBe(true));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a refused upload shows the API problem', async () => {
    stubApi({
      'POST /api/v1/awards/imports': () => problem(413, 'Tệp quá lớn', 'Tệp lớn hơn 50 MB.'),
    });
    setup();
    await userEvent.upload(screen.getByLabelText('Tệp CSV hoặc Excel (.xlsx)'), file());
    await userEvent.click(screen.getByRole('button', { name: 'Nhập' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Không gửi được tệp')).toBeTruthy();
    expect(within(alert).getByText('Tệp lớn hơn 50 MB.')).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
