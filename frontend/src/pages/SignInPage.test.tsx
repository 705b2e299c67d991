import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getToken } from '../auth/session';
import i18n from '../i18n';
import { json, ME, problem, renderApp, stubApi } from '../test/render';
import { SignInPage } from './SignInPage';

function renderSignIn() {
  return renderApp(
    <Routes>
      <Route path="/dang-nhap" element={<SignInPage />} />
      <Route path="/" element={<p>Trang chủ</p>} />
    </Routes>,
    { route: '/dang-nhap' },
  );
}

afterEach(async () => {
  vi.unstubAllGlobals();
  await i18n.changeLanguage('vi');
});

describe('SignInPage', () => {
  it('has labelled Vietnamese fields and a submit button', () => {
    stubApi({});
    renderSignIn();
    expect(screen.getByRole('heading', { name: 'Đăng nhập' })).toBeTruthy();
    const user = screen.getByLabelText('Tên đăng nhập');
    const pass = screen.getByLabelText('Mật khẩu');
    expect(user.getAttribute('autocomplete')).toBe('username');
    expect(pass.getAttribute('type')).toBe('password');
    expect(pass.getAttribute('autocomplete')).toBe('current-password');
    expect(screen.getByRole('button', { name: 'Đăng nhập' })).toBeTruthy();
  });

  it('asks for both fields before calling the API', async () => {
    const fetchMock = stubApi({});
    renderSignIn();
    await userEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Hãy nhập tên đăng nhập và mật khẩu.');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the API's problem detail when the sign-in is refused", async () => {
    stubApi({
      'POST /api/v1/auth/token': () =>
        problem(401, 'Đăng nhập không thành công', 'Tên đăng nhập hoặc mật khẩu không đúng.'),
    });
    renderSignIn();
    await userEvent.type(screen.getByLabelText('Tên đăng nhập'), 'admin');
    await userEvent.type(screen.getByLabelText('Mật khẩu'), 'sai-mat-khau');
    await userEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Đăng nhập không thành công');
    expect(alert.textContent).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
    // The password is cleared, the username kept.
    expect((screen.getByLabelText('Mật khẩu') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Tên đăng nhập') as HTMLInputElement).value).toBe('admin');
    expect(getToken()).toBeNull();
  });

  it('lists validation errors from the problem details', async () => {
    stubApi({
      'POST /api/v1/auth/token': () =>
        problem(422, 'Dữ liệu không hợp lệ', 'Yêu cầu có 1 lỗi.', {
          errors: [{ loc: ['body', 'password'], msg: 'Trường này là bắt buộc', type: 'missing' }],
        }),
    });
    renderSignIn();
    await userEvent.type(screen.getByLabelText('Tên đăng nhập'), 'admin');
    await userEvent.type(screen.getByLabelText('Mật khẩu'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Yêu cầu có 1 lỗi.');
    expect(alert.textContent).toContain('password: Trường này là bắt buộc');
  });

  it('says when the server cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    renderSignIn();
    await userEvent.type(screen.getByLabelText('Tên đăng nhập'), 'admin');
    await userEvent.type(screen.getByLabelText('Mật khẩu'), 'mat-khau-dung');
    await userEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Không kết nối được với máy chủ');
  });

  it('posts an OAuth2 password form, keeps the token for the session and opens the dashboard', async () => {
    const fetchMock = stubApi({
      'POST /api/v1/auth/token': () => json({ access_token: 'tok-123', token_type: 'bearer', expires_in: 3600 }),
      'GET /api/v1/me': (req) =>
        req.headers.get('Authorization') === 'Bearer tok-123' ? json(ME) : problem(401, 'Unauthorized', 'no token'),
    });
    renderSignIn();
    await userEvent.type(screen.getByLabelText('Tên đăng nhập'), 'nguyenvana');
    await userEvent.type(screen.getByLabelText('Mật khẩu'), 'mật khẩu & đúng');
    await userEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    expect(await screen.findByText('Trang chủ')).toBeTruthy();

    const tokenRequest = fetchMock.mock.calls[0]![0];
    expect(tokenRequest.method).toBe('POST');
    expect(tokenRequest.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(await tokenRequest.text());
    expect(form.get('username')).toBe('nguyenvana');
    expect(form.get('password')).toBe('mật khẩu & đúng');
    await waitFor(() => expect(getToken()).toBe('tok-123'));
    expect(sessionStorage.getItem('kh.session')).toContain('tok-123');
  });

  it('switches to English', async () => {
    stubApi({});
    renderSignIn();
    await userEvent.click(screen.getByRole('button', { name: 'EN' }));
    expect(await screen.findByLabelText('Username')).toBeTruthy();
    expect(screen.getByLabelText('Password')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
  });
});
