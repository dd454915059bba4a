// Shows an example's outcome in #out (data-status "ok" or "failed"), where a reader and the tests see it.
export async function show(example) {
  const out = document.getElementById('out');
  try {
    out.textContent = JSON.stringify(await example(), null, 2);
    out.dataset.status = 'ok';
  } catch (error) {
    out.textContent = String(error?.stack ?? error);
    out.dataset.status = 'failed';
  }
}
