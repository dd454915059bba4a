// React with useSandbox: the component owns a sandbox that starts at the first run and goes away
// when the component unmounts. (Plain createElement here; JSX works the same.)
import { createElement as h, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createSandbox } from 'ai-sandbox/javascript';
import { useSandbox } from 'ai-sandbox/react';

function Runner() {
  const { status, run } = useSandbox(createSandbox, { language: 'javascript' });
  const [output, setOutput] = useState('');
  const onClick = async () => {
    try {
      const result = await run('Array.from({ length: 5 }, (_, i) => i * i)');
      setOutput(result.text ?? result.error?.message ?? '');
    } catch (error) {
      // The sandbox could not start (or was disposed): say why instead of showing nothing.
      setOutput(`${error.name}: ${error.message}`);
    }
  };
  return h('div', null, h('button', { id: 'run', onClick }, 'Run'), h('p', { id: 'status' }, status), h('pre', { id: 'out' }, output));
}

createRoot(document.getElementById('root')).render(h(StrictMode, null, h(Runner)));
