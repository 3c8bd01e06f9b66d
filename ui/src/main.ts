import { mount } from 'svelte';
import App from './App.svelte';
import { initWebToken } from './lib/api';
import './app.css';

initWebToken();

const target = document.getElementById('app');
if (!target) throw new Error('Kindly: #app is missing from index.html');

export default mount(App, { target });
